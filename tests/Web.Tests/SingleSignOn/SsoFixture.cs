using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Platform;
using SupervisionHub.Web.SingleSignOn;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Tests.SingleSignOn;

/// <summary>
/// The service with two organisations of its own making (not the founding tenants), each pointed at a
/// real OpenID provider on localhost with its own client; a second provider whose issuer is not the
/// address it is reached at; and the people each test signs in as.
/// </summary>
public sealed class SsoFixture : IAsyncLifetime
{
    public const string A = "sso-a", B = "sso-b";
    public const string Password = "Sso-test-password-1";

    public AppFactory App { get; } = new();
    public OidcProvider Provider { get; private set; } = null!;

    /// <summary>The same kind of provider, whose discovery document and tokens name http://localhost:port as issuer.</summary>
    public OidcProvider LocalhostIssuer { get; private set; } = null!;

    public static string Callback(string tenant) => $"http://localhost/{tenant}/signin-oidc";
    public static string SignedOut(string tenant) => $"http://localhost/{tenant}/signout-callback-oidc";

    /// <summary>Clients of tenant A whose id_tokens the provider alters (signed again with its own key).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> Tampered = new Dictionary<string, IReadOnlyDictionary<string, object?>>
    {
        ["aud-tamper"] = new Dictionary<string, object?> { ["aud"] = "client-of-another-service" },
        // 90 s past expiry: inside the handler's default five minutes of clock skew, outside the one minute allowed here.
        ["exp-tamper"] = new Dictionary<string, object?> { ["exp"] = "now-90", ["iat"] = "now-400" },
        ["iss-tamper"] = new Dictionary<string, object?> { ["iss"] = "https://login.example-attacker.test" },
        ["nonce-tamper"] = new Dictionary<string, object?> { ["nonce"] = "a-nonce-of-another-sign-in" },
    };

    public static readonly OidcAccount[] Accounts =
    [
        new("alice", "alice@a.example", Name: "Alice Adams"),
        new("alice-impostor", "alice@a.example", Name: "Not Alice"),
        new("bob", "bob@a.example", EmailVerified: false),
        new("carol", "carol@a.example", Name: "Carol Carter"),
        new("dave", "dave@a.example"),
        new("erin", "erin@elsewhere.example"),
        new("admin-a", "admin@a.example"),
        new("bea", "bea@b.example"),
    ];

    public async Task InitializeAsync()
    {
        var clients = new List<OidcClient>
        {
            new("client-a", "secret-a", [Callback(A)], [SignedOut(A)]),
            new("client-b", "secret-b", [Callback(B)], [SignedOut(B)]),
        };
        clients.AddRange(Tampered.Select(t => new OidcClient(t.Key, "secret-" + t.Key, [Callback(A)], Tamper: t.Value)));
        Provider = await OidcProvider.StartAsync(clients, Accounts);
        LocalhostIssuer = await OidcProvider.StartAsync(clients, Accounts, issuerHost: "localhost");

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var provisioning = scope.ServiceProvider.GetRequiredService<TenantProvisioning>();
            foreach (var (slug, name, admin) in new[] { (A, "Single Sign-On School A", "admin@a.example"), (B, "Single Sign-On School B", "admin@b.example") })
            {
                var errors = await provisioning.CreateAsync(new NewTenant(name, slug, TenantKind.Partnership, "Ada Admin", admin), CancellationToken.None);
                Assert.Empty(errors);
            }
        }
        await App.InTenant(A, async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var normalizer = sp.GetRequiredService<ILookupNormalizer>();
            foreach (var (name, email, roles, left) in new (string, string, StaffRoles, DateOnly?)[]
                     {
                         ("Alice Adams", "alice@a.example", StaffRoles.Supervisor, null),
                         ("Bob Brown", "bob@a.example", StaffRoles.Supervisee, null),
                         ("Dave Davies", "dave@a.example", StaffRoles.Supervisee, new DateOnly(2020, 7, 31)),
                     })
            {
                var person = new StaffMember();
                person.Apply(new StaffDetails(name, email, null, null, null, roles, null, left), normalizer);
                db.Staff.Add(person);
            }
            await db.SaveChangesAsync();
            var users = sp.GetRequiredService<UserManager<StaffMember>>();
            foreach (var email in (string[])["alice@a.example", "admin@a.example"])
            {
                var user = await users.FindByEmailAsync(email);
                Assert.True((await users.AddPasswordAsync(user!, Password)).Succeeded);
            }
        });
        await ConfigureAsync(A, s => s);
        await ConfigureAsync(B, s => s with { ClientId = "client-b", EmailDomains = ["b.example"] });
        await App.InTenant(A, sp => sp.GetRequiredService<SsoSecrets>().SetAsync("secret-a", "test", CancellationToken.None));
        await App.InTenant(B, sp => sp.GetRequiredService<SsoSecrets>().SetAsync("secret-b", "test", CancellationToken.None));
    }

    /// <summary>Tenant A's everyday settings: the provider, client-a, a.example, passwords allowed, nobody created.</summary>
    public SignInSettings Default => new()
    {
        ProviderName = "other",
        Name = "Test Directory",
        Authority = Provider.Address,
        ClientId = "client-a",
        EmailDomains = ["a.example"],
    };

    /// <summary>Writes the tenant's signIn section through the settings editor, as the settings page does.</summary>
    public async Task ConfigureAsync(string tenant, Func<SignInSettings, SignInSettings> change)
    {
        var settings = change(Default);
        var problems = await App.InTenant(tenant, sp => sp.GetRequiredService<TenantSettingsEditor>()
            .EditAsync(yaml => TenantYamlEdits.SetSignIn(yaml, settings), "test", CancellationToken.None));
        Assert.Empty(problems);
    }

    public Task<List<SupervisionHub.Web.Audit.AuditEntry>> AuditAsync(string tenant) => App.InTenant(tenant, sp =>
        sp.GetRequiredService<AppDbContext>().AuditEntries.AsNoTracking().Where(e => e.Entity == SsoAudit.Entity).OrderBy(e => e.Sequence).ToListAsync());

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Provider.DisposeAsync();
        await LocalhostIssuer.DisposeAsync();
    }
}
