using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;

namespace SupervisionHub.Web.Tests.Email;

/// <summary>
/// The conditional-update claim (docs/adr/0007-outbox.md, 0011-postgresql.md) under a real race:
/// many senders, each on its own connection, claim one message at the same moment and exactly one
/// gets it. On PostgreSQL the losers wait for the winner's row lock, then re-check the condition
/// against the row it wrote; on SQLite one writer at a time.
/// </summary>
public sealed class ClaimRaceTests(AppFactory app) : IClassFixture<AppFactory>
{
    [Fact]
    public async Task Of_sixteen_senders_claiming_one_message_at_once_exactly_one_gets_it()
    {
        for (var round = 0; round < 5; round++)
        {
            var id = await app.InTenant("ascent", async sp =>
            {
                var db = sp.GetRequiredService<AppDbContext>();
                var message = new OutboxMessage("admin@ascent.example", $"Claim race {round}", "Hello.\n", Seasons.UtcNow.AddMinutes(-1));
                db.Outbox.Add(message);
                await db.SaveChangesAsync();
                return message.Id;
            });
            using var start = new SemaphoreSlim(0);
            var claims = Enumerable.Range(0, 16).Select(i => Task.Run(() => app.InTenant("ascent", async sp =>
            {
                var sender = sp.GetRequiredService<OutboxSender>();
                await start.WaitAsync();
                return await sender.ClaimAsync(id, $"sender-{i}", CancellationToken.None) is not null;
            }))).ToList();
            start.Release(16);
            var won = await Task.WhenAll(claims);
            Assert.Equal(1, won.Count(w => w));
        }
    }
}
