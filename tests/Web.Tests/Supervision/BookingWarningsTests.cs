using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Supervision;

namespace SupervisionHub.Web.Tests.Supervision;

/// <summary>
/// Booking warns about a clash for the supervisor and about days that are not school days, keeps
/// everything typed, and books when the person ticks "Book anyway"; a series can be every N weeks
/// and moves a date off a weekend or holiday to the next school day. Over plain HTTP.
/// </summary>
public sealed class BookingWarningsTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string T = "ralph-thoresby";

    private static Dictionary<string, string> At(DateOnly day, string time, string? location = "Room 12") => new()
    {
        ["Input.Date.Day"] = day.Day.ToString(CultureInfo.InvariantCulture), ["Input.Date.Month"] = day.Month.ToString(CultureInfo.InvariantCulture),
        ["Input.Date.Year"] = day.Year.ToString(CultureInfo.InvariantCulture), ["Input.Time"] = time, ["Input.Minutes"] = "60", ["Input.Location"] = location ?? "",
    };

    private async Task<(Guid Relationship, DateOnly SchoolDay, DateOnly Saturday)> SceneAsync() => await app.InTenant(T, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var supervisor = await db.StaffIdAsync($"supervisor@{T}.example");
        var person = await sp.NewPersonAsync("Wendy Warning", $"warn.{Guid.NewGuid():N}@{T}.example", Staff.StaffRoles.Supervisee);
        var r = await sp.StartAsync("one-to-one", supervisor, person.Id, sp.Today().AddDays(-30));
        var checks = sp.GetRequiredService<BookingWarnings>();
        // A day far enough ahead that the demo data books nothing then, and the Saturday after it.
        var day = checks.NextSchoolDay(sp.Today().AddDays(200 + Random.Shared.Next(100)));
        var saturday = day;
        while (saturday.DayOfWeek != DayOfWeek.Saturday) saturday = saturday.AddDays(1);
        return (r.Id, day, saturday);
    });

    private Task<int> SessionsAsync(Guid relationship) =>
        app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Sessions.CountAsync(s => s.RelationshipId == relationship));

    [Fact]
    public async Task A_second_session_at_the_same_minute_is_warned_about_keeps_what_was_typed_and_is_booked_only_when_meant()
    {
        var (relationship, day, _) = await SceneAsync();
        var supervisor = app.Browser();
        await supervisor.SignIn(T, $"supervisor@{T}.example", AppFactory.DemoPassword);
        var book = $"/{T}/supervision/{relationship}/book";
        Assert.Equal(HttpStatusCode.Redirect, (await supervisor.PostForm(book, At(day, "10:00"), book)).StatusCode);

        var again = await supervisor.PostForm(book, At(day, "10:30", "Typed location"), book);
        var html = await again.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("The supervisor already has a session booked from 10:00 to 11:00 that day.", html);
        Assert.Contains("value=\"Typed location\"", html);
        Assert.Contains("value=\"10:30\"", html);
        Assert.Equal(1, await SessionsAsync(relationship));

        // Pressing the button again without ticking says what to do; ticking books it.
        var shown = System.Text.RegularExpressions.Regex.Match(html, "name=\"WarningsShown\" value=\"([^\"]*)\"").Groups[1].Value;
        var untickedAgain = await supervisor.PostForm(book, new Dictionary<string, string>(At(day, "10:30")) { ["WarningsShown"] = WebUtility.HtmlDecode(shown) }, book);
        Assert.Contains("Tick the box to book at this time", await untickedAgain.Content.ReadAsStringAsync());
        Assert.Equal(1, await SessionsAsync(relationship));
        Assert.Equal(HttpStatusCode.Redirect, (await supervisor.PostForm(book, new Dictionary<string, string>(At(day, "10:30")) { ["BookAnyway"] = "true" }, book)).StatusCode);
        Assert.Equal(2, await SessionsAsync(relationship));
    }

    [Fact]
    public async Task A_weekend_is_warned_about_and_a_series_every_two_weeks_moves_off_it_to_the_next_school_day()
    {
        var (relationship, _, saturday) = await SceneAsync();
        var supervisor = app.Browser();
        await supervisor.SignIn(T, $"supervisor@{T}.example", AppFactory.DemoPassword);
        var book = $"/{T}/supervision/{relationship}/book";
        var weekend = await supervisor.PostForm(book, At(saturday, "09:00"), book);
        Assert.Contains("is a weekend.", await weekend.Content.ReadAsStringAsync());
        Assert.Equal(0, await SessionsAsync(relationship));

        var admin = app.Browser();
        await admin.SignIn(T, $"admin@{T}.example", AppFactory.DemoPassword);
        var series = $"/{T}/supervision/series";
        var planned = await admin.PostForm(series, new Dictionary<string, string>
        {
            ["Input.RelationshipIds"] = relationship.ToString(), ["Input.First.Day"] = saturday.Day.ToString(CultureInfo.InvariantCulture),
            ["Input.First.Month"] = saturday.Month.ToString(CultureInfo.InvariantCulture), ["Input.First.Year"] = saturday.Year.ToString(CultureInfo.InvariantCulture),
            ["Input.Time"] = "10:00", ["Input.Minutes"] = "60", ["Input.Every"] = "2", ["Input.Unit"] = "weeks", ["Input.Count"] = "3",
        }, series);
        Assert.Equal(HttpStatusCode.Redirect, planned.StatusCode);
        var (dates, expected) = await app.InTenant(T, async sp =>
        {
            var checks = sp.GetRequiredService<BookingWarnings>();
            var dates = await sp.GetRequiredService<AppDbContext>().Sessions.Where(s => s.RelationshipId == relationship).OrderBy(s => s.Date).Select(s => s.Date).ToListAsync();
            return (dates, Enumerable.Range(0, 3).Select(n => checks.NextSchoolDay(saturday.AddDays(14 * n))).ToList());
        });
        Assert.Equal(expected, dates);
        Assert.All(dates, d => Assert.NotEqual(DayOfWeek.Saturday, d.DayOfWeek));
        Assert.NotEqual(saturday, dates[0]);
    }
}
