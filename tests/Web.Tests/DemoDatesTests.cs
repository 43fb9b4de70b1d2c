using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.DevData;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Tests.Supervision;
using SupervisionHub.Web.Tests.Workflows;

namespace SupervisionHub.Web.Tests;

/// <summary>
/// The demo's dates were written on 23 November 2026 to show what they show relative to that day
/// (every demo supervisor's training a few weeks from expiry, new starters a few weeks in). Seeded
/// on any later day, the demo must look the same relative to that day (docs/adr/0010-demo-dates.md).
/// </summary>
public sealed class DemoDatesTests
{
    private static readonly string[] Tenants = ["ascent", "devon-torbay", "mse-icb", "ralph-thoresby", "river-tees"];
    private static readonly DateOnly WrittenOn = D("2026-11-23");

    private static DateOnly D(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("2026-11-23", 0)]
    [InlineData("2026-11-26", 0)]     // 3 days on: the nearest whole week is none
    [InlineData("2026-11-27", 7)]     // 4 days on: one week
    [InlineData("2026-11-18", -7)]    // a test clock before the day they were written moves them back
    [InlineData("2027-05-31", 189)]   // 27 weeks exactly
    [InlineData("2027-06-01", 189)]   // 27 weeks and a day
    public void Demo_dates_move_by_the_nearest_whole_number_of_weeks(string seedingDay, int days) =>
        Assert.Equal(days, DemoSeeder.ShiftDays(WrittenOn, D(seedingDay)));

    [Fact]
    public void Only_the_date_columns_move_and_empty_or_odd_values_stay_as_they_are()
    {
        var csv = StaffDirectory.CsvHeader + "\n" +
            "\"Reid, Callum\",callum@example.org,\"Supervisor, North\",,,supervisor,Course 2023-12-08,2023-12-08,2026-12-08,2020-01-06,\n" +
            "Ann Lee,ann@example.org,2026-01-01,,,supervisee,,,,01/09/2026,2026-08-31\n";
        var rows = Csv.Read(DemoSeeder.ShiftDates(csv, 7));
        Assert.Equal(StaffDirectory.CsvHeader, string.Join(',', rows[0].Fields));
        Assert.Equal("Reid, Callum|callum@example.org|Supervisor, North|||supervisor|Course 2023-12-08|2023-12-15|2026-12-15|2020-01-13|", string.Join('|', rows[1].Fields));
        Assert.Equal("Ann Lee|ann@example.org|2026-01-01|||supervisee||||01/09/2026|2026-09-07", string.Join('|', rows[2].Fields));
        Assert.Same(csv, DemoSeeder.ShiftDates(csv, 0));
    }

    [Fact]
    public async Task Every_founding_demo_folder_says_when_its_dates_were_written()
    {
        foreach (var tenant in Tenants)
            Assert.Equal(WrittenOn, await DemoSeeder.WrittenOnAsync(AppFactory.RepoPath($"tenants/{tenant}/demo/written-on.txt"), CancellationToken.None));
    }

    [Fact]
    public async Task Seeded_months_later_every_demo_supervisor_is_trained_and_expires_as_soon_after_seeding_as_written()
    {
        var seedingDay = D("2027-06-01"); // 190 days after writing: the dates move 27 weeks (189 days), keeping their weekdays
        var shift = DemoSeeder.ShiftDays(WrittenOn, seedingDay);
        var roundedOff = seedingDay.DayNumber - WrittenOn.DayNumber - shift; // 1
        using var folders = new SharedFolders();
        await using var app = new WorkflowAppFactory(folders.Data, folders.Tenants, new SettableClock(new DateTimeOffset(2027, 6, 1, 9, 0, 0, TimeSpan.Zero)));

        foreach (var tenant in Tenants)
        {
            var written = Csv.Read(await File.ReadAllTextAsync(AppFactory.RepoPath($"tenants/{tenant}/demo/staff.csv")));
            var header = written[0].Fields.ToList();
            var byEmail = written.Skip(1).ToDictionary(r => r.Fields[header.IndexOf("email")], r => r.Fields);
            DateOnly? Written(string email, string column) => byEmail[email][header.IndexOf(column)] is { Length: > 0 } v ? D(v) : null;

            await app.InTenant(tenant, async sp =>
            {
                var db = sp.GetRequiredService<AppDbContext>();
                Assert.Equal(seedingDay, sp.Today());
                var supervisorEmail = $"supervisor@{tenant}.example";
                var supervisor = await db.Staff.Include(s => s.Training).SingleAsync(s => s.Email == supervisorEmail);
                var training = Assert.Single(supervisor.Training);
                var meantToExpireIn = Written(supervisorEmail, "training_expiry")!.Value.DayNumber - WrittenOn.DayNumber;
                Assert.InRange(meantToExpireIn, 1, 30); // as written: expiring within a few weeks of 23 November 2026
                Assert.True(training.IsValidOn(seedingDay), $"{supervisorEmail} training expired {training.ExpiresOn} on seeding day {seedingDay}");
                Assert.Equal(meantToExpireIn - roundedOff, training.ExpiresOn!.Value.DayNumber - seedingDay.DayNumber);

                // Every date in the file moved by the same whole weeks: start and leaving dates too.
                foreach (var member in await db.Staff.Include(s => s.Training).ToListAsync())
                {
                    Assert.Equal(Written(member.Email!, "start_date")?.AddDays(shift), member.StartDate);
                    Assert.Equal(Written(member.Email!, "left_on")?.AddDays(shift), member.LeftOn);
                    foreach (var t in member.Training)
                    {
                        Assert.Equal(Written(member.Email!, "training_date")!.Value.AddDays(shift), t.CompletedOn);
                        Assert.Equal(Written(member.Email!, "training_expiry")?.AddDays(shift), t.ExpiresOn);
                    }
                }
            });
        }

        // river-tees and mse-icb refuse a supervisor without in-date training: their demo supervisors still supervise.
        foreach (var (tenant, type) in new[] { ("river-tees", "safeguarding-one-to-one"), ("mse-icb", "one-to-one") })
            await app.InTenant(tenant, async sp =>
            {
                var db = sp.GetRequiredService<AppDbContext>();
                var newcomer = await sp.NewPersonAsync("Nina Newcomer", $"nina.newcomer@{tenant}.example", StaffRoles.Supervisee, startDate: seedingDay);
                var relationship = await sp.StartAsync(type, await db.StaffIdAsync($"supervisor@{tenant}.example"), newcomer.Id, seedingDay);
                Assert.Equal(seedingDay, relationship.StartedOn);
            });
    }
}
