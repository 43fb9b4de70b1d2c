using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Tests;

/// <summary>
/// Contexts are pooled and take their tenant after construction (ADR 0044), tried from the attacker's
/// side on a pool of one context, so every rental after the first is a context another tenant used.
/// </summary>
public sealed class PooledContextTests(PooledContextTests.PoolOfOne app) : IClassFixture<PooledContextTests.PoolOfOne>
{
    private const string Password = AppFactory.DemoPassword;

    public sealed class PoolOfOne : AppFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings) { ["Database:PoolSize"] = "1" };
    }

    /// <summary>A context straight from the pool, as anything that bypassed the scope's registration would get it.</summary>
    private AppDbContext RentWithoutTenant() => TestDatabase.IsPostgres
        ? app.Services.GetRequiredService<IDbContextFactory<PostgresAppDbContext>>().CreateDbContext()
        : app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();

    private async Task<Guid> TenantIdAsync(string identifier) =>
        (await app.Services.GetRequiredService<TenantRegistry>().FindAsync(identifier))!.Id;

    [Fact]
    public async Task The_next_tenant_gets_the_same_context_and_sees_only_its_own_rows()
    {
        var (ascent, riverTees) = (await TenantIdAsync("ascent"), await TenantIdAsync("river-tees"));
        AppDbContext? first = null;
        var before = await app.InTenant("ascent", async sp =>
        {
            first = sp.GetRequiredService<AppDbContext>();
            return await first.Staff.Select(s => s.TenantId).Distinct().ToListAsync();
        });
        var after = await app.InTenant("river-tees", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            Assert.Same(first, db); // the pool of one gave it back: this is the test's point
            return await db.Staff.Select(s => s.TenantId).Distinct().ToListAsync();
        });
        Assert.Equal([ascent], before);
        Assert.Equal([riverTees], after);
    }

    [Fact]
    public async Task Two_tenants_requests_interleaved_read_only_their_own_rows()
    {
        var ascent = app.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await ascent.SignIn("ascent", "admin@ascent.example", Password)).StatusCode);
        var riverTees = app.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await riverTees.SignIn("river-tees", "admin@river-tees.example", Password)).StatusCode);

        // Many at once, alternating: the one pooled context goes from one tenant's request to the other's,
        // and the rest are built and dropped beside it.
        var pages = await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
        {
            var (client, tenant, other) = i % 2 == 0 ? (ascent, "ascent", "river-tees") : (riverTees, "river-tees", "ascent");
            var response = await client.GetAsync($"/{tenant}/staff");
            return (tenant, other, response.StatusCode, Html: await response.Content.ReadAsStringAsync());
        }));
        foreach (var (tenant, other, status, html) in pages)
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Contains($"@{tenant}.example", html);
            Assert.DoesNotContain($"@{other}.example", html);
        }

        // And in background scopes, which rent the same way: every row read is the scope's tenant's.
        var ids = new Dictionary<string, Guid> { ["ascent"] = await TenantIdAsync("ascent"), ["river-tees"] = await TenantIdAsync("river-tees") };
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
        {
            var tenant = i % 2 == 0 ? "ascent" : "river-tees";
            return app.InTenant(tenant, async sp =>
            {
                var rows = await sp.GetRequiredService<AppDbContext>().Staff.AsNoTracking().Select(s => s.TenantId).ToListAsync();
                Assert.NotEmpty(rows);
                Assert.All(rows, id => Assert.Equal(ids[tenant], id));
            });
        }));
    }

    [Fact]
    public async Task A_context_rented_with_no_tenant_reads_and_writes_nothing()
    {
        AppDbContext? used = null;
        await app.InTenant("ascent", async sp =>
        {
            used = sp.GetRequiredService<AppDbContext>();
            Assert.True(await used.Staff.AnyAsync()); // it worked for ascent...
        });

        await using var bare = RentWithoutTenant();
        Assert.Same(used, bare); // ...and is back in the pool without ascent
        await Assert.ThrowsAsync<TenantNotSetException>(() => bare.Staff.AnyAsync());
        await Assert.ThrowsAsync<TenantNotSetException>(() => bare.TrainingRecords.Select(t => t.Id).FirstOrDefaultAsync());
        bare.Outbox.Add(new SupervisionHub.Web.Email.OutboxMessage("someone@ascent.example", "Subject", "Body", DateTimeOffset.UtcNow));
        await Assert.ThrowsAsync<TenantNotSetException>(() => bare.SaveChangesAsync());
    }

    [Fact]
    public async Task A_scope_with_no_tenant_fails_closed_on_a_context_another_tenant_returned()
    {
        await app.InTenant("river-tees", sp => sp.GetRequiredService<AppDbContext>().Staff.AnyAsync());
        await using var scope = app.Services.CreateAsyncScope(); // no tenant set, as a job that forgot PerTenantRunner
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await Assert.ThrowsAsync<TenantNotSetException>(() => db.Staff.AnyAsync());
    }

    [Fact]
    public async Task A_context_given_one_scope_cannot_be_given_another()
    {
        await using var a = app.Services.CreateAsyncScope();
        var db = a.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.Throws<InvalidOperationException>(() => db.ForTenantOf(new TenantContext()));
    }
}
