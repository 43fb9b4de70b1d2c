using System.Data.Common;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tests.Email;
using SupervisionHub.Web.Tests.Workflows;
using Xunit.Abstractions;

namespace SupervisionHub.Web.Tests.Faults;

/// <summary>
/// Issue 16, item 3: the mail server accepts an email and the database then refuses the save of
/// SentAt (on a full disk three emails went twice once their claims lapsed). Made for real: the
/// mail server (maildev) is held silent while the sender connects, the database is locked against
/// writes (or its disk filled) from outside, and the server is let go, so it accepts the email just
/// before the save. The node now remembers the send, sends nothing more until it can record it, and
/// never sends that email again itself; what remains is a node that dies in that state, whose
/// successor sends it again with the same Message-Id (ADR 0007).
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class SendThenSaveFailsTests(ITestOutputHelper output)
{
    private const string T = "ascent";

    /// <summary>The app's database waits two seconds for a lock, not thirty, so the refused saves come quickly.</summary>
    private static Dictionary<string, string?> ShortWaits(string file) => TestDatabase.IsPostgres
        ? new() { ["ConnectionStrings:Postgres"] = TestDatabase.ConnectionString(file) + ";Command Timeout=2" }
        : new() { ["ConnectionStrings:Sqlite"] = TestDatabase.ConnectionString(file) + ";Default Timeout=2" };

    [Fact]
    public async Task A_send_whose_record_is_refused_is_not_sent_again_and_nothing_more_goes_until_it_is_recorded()
    {
        using var folders = new SharedFolders();
        var file = SharedFolders.DatabaseFile(folders.Data);
        await using var maildev = await Maildev.StartNewAsync();
        var clock = new SettableClock(DateTimeOffset.UtcNow);
        await using var app = new EmailAppFactory(folders.Data, folders.Tenants, clock, maildev.SmtpPort, ShortWaits(file));
        var first = await app.QueueAsync(T, "admin@ascent.example", "Refused record 1", "One.\n");
        var second = await app.QueueAsync(T, "admin@ascent.example", "Refused record 2", "Two.\n");

        await SendWhileWritesAreRefusedAsync(app, maildev, first.Id, () => HoldWritesAsync(file));
        Assert.Equal(1, await maildev.CountAsync("Refused record 1"));
        Assert.Equal(0, await maildev.CountAsync("Refused record 2")); // the round stopped: nothing more while sends cannot be recorded
        Assert.Null((await app.FindAsync(T, first.Id)).SentAt);

        // The lock is gone and the claim has lapsed: before, the next round sent the first email again.
        clock.Now += TimeSpan.FromMinutes(10);
        await app.RoundAsync(T);
        Assert.Equal(1, await maildev.CountAsync("Refused record 1"));
        Assert.Equal(1, await maildev.CountAsync("Refused record 2"));
        Assert.NotNull((await app.FindAsync(T, first.Id)).SentAt);
        Assert.NotNull((await app.FindAsync(T, second.Id)).SentAt);
    }

    [FullDiskFact]
    public async Task On_a_full_disk_a_send_whose_record_fails_is_recorded_once_there_is_room_and_goes_once()
    {
        using var folders = new SharedFolders();
        using var disk = new TinyDisk(64);
        var file = SharedFolders.DatabaseFile(disk.Path);
        await using var maildev = await Maildev.StartNewAsync();
        var clock = new SettableClock(DateTimeOffset.UtcNow);
        await using var app = new EmailAppFactory(disk.Path, folders.Tenants, clock, maildev.SmtpPort);
        var first = await app.QueueAsync(T, "admin@ascent.example", "Full disk 1", "One.\n");
        await app.QueueAsync(T, "admin@ascent.example", "Full disk 2", "Two.\n");
        output.WriteLine($"Database {new FileInfo(file).Length / 1024} KB on a 64 MB disk.");

        await SendWhileWritesAreRefusedAsync(app, maildev, first.Id, async () =>
        {
            // SQLite (in WAL mode) writes into its log file's existing space until a checkpoint truncates
            // it; here it has just been truncated, so the next write must grow a file on a full disk.
            await using (var sql = await TestDatabase.OpenAsync(file)) await sql.ScalarAsync("PRAGMA wal_checkpoint(TRUNCATE)");
            disk.Fill();
            return new Freed(disk);
        });
        Assert.Equal(1, await maildev.CountAsync("Full disk 1"));
        Assert.Equal(0, await maildev.CountAsync("Full disk 2"));

        clock.Now += TimeSpan.FromMinutes(10);
        await app.RoundAsync(T);
        Assert.Equal(1, await maildev.CountAsync("Full disk 1"));
        Assert.Equal(1, await maildev.CountAsync("Full disk 2"));
        Assert.NotNull((await app.FindAsync(T, first.Id)).SentAt);
    }

    [Fact]
    public async Task A_node_that_dies_with_a_send_it_could_not_record_leaves_it_to_be_sent_again_with_the_same_Message_Id()
    {
        using var folders = new SharedFolders();
        var file = SharedFolders.DatabaseFile(folders.Data);
        await using var maildev = await Maildev.StartNewAsync();
        var clock = new SettableClock(DateTimeOffset.UtcNow);
        Guid id;
        await using (var app = new EmailAppFactory(folders.Data, folders.Tenants, clock, maildev.SmtpPort, ShortWaits(file)))
        {
            id = (await app.QueueAsync(T, "admin@ascent.example", "Window email", "Hello.\n")).Id;
            await SendWhileWritesAreRefusedAsync(app, maildev, id, () => HoldWritesAsync(file));
        } // the node stops before the database takes the record: what it remembered goes with it

        clock.Now += TimeSpan.FromMinutes(10);
        await using var next = new EmailAppFactory(folders.Data, folders.Tenants, clock, maildev.SmtpPort);
        await next.RoundAsync(T);
        var copies = (await maildev.EmailsAsync()).Where(e => (string?)e["subject"] == "Window email").ToList();
        output.WriteLine($"Delivered {copies.Count} times, Message-Id {string.Join(", ", copies.Select(MessageId).Distinct())}.");
        Assert.Equal(2, copies.Count);
        Assert.Single(copies.Select(MessageId).Distinct()); // a receiving system that keys on the Message-Id keeps one
        Assert.Contains($"{id:N}@", MessageId(copies[0]), StringComparison.Ordinal);
        Assert.NotNull((await next.FindAsync(T, id)).SentAt);
    }

    /// <summary>
    /// One send round in which the server accepts <paramref name="id"/> while the database refuses
    /// writes: maildev is frozen, the round claims the email and waits for the server's greeting, the
    /// writes are refused (<paramref name="refuse"/>), maildev is let go and takes the email, and
    /// every try to record it fails. Writes are allowed again when this returns.
    /// </summary>
    private static async Task SendWhileWritesAreRefusedAsync(EmailAppFactory app, Maildev maildev, Guid id, Func<Task<IAsyncDisposable>> refuse)
    {
        maildev.Pause();
        Task round;
        try
        {
            round = app.RoundAsync(T);
            await Nodes.WaitUntilAsync(async () => (await app.FindAsync(T, id)).ClaimedBy is not null, TimeSpan.FromSeconds(30),
                () => Task.FromResult("The sender never claimed the email."), pollMilliseconds: 20);
            await using var refused = await refuse();
            maildev.Resume();
            await round.WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            maildev.Resume();
        }
    }

    /// <summary>Another program holds the database's write lock: readers go on, every write waits and then fails.</summary>
    private static async Task<IAsyncDisposable> HoldWritesAsync(string file)
    {
        var connection = await TestDatabase.OpenAsync(file);
        if (TestDatabase.IsPostgres)
        {
            await connection.ScalarAsync("BEGIN");
            await connection.ScalarAsync("LOCK TABLE \"Outbox\" IN EXCLUSIVE MODE");
        }
        else await connection.ScalarAsync("BEGIN IMMEDIATE");
        return new Held(connection);
    }

    private sealed class Held(DbConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await connection.ScalarAsync("ROLLBACK");
            await connection.DisposeAsync();
        }
    }

    private sealed class Freed(TinyDisk disk) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            disk.Free();
            return ValueTask.CompletedTask;
        }
    }

    private static string MessageId(JsonObject e) => (string?)e["messageId"] ?? "";
}
