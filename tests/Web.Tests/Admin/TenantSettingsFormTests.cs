using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Tests.Admin;

/// <summary>
/// Issue 7 item 4: the everyday settings as fields (each edit lands in tenant.yaml, leaves the rest of the
/// file as it was, goes through the same check, is audited and in force at once) and the uploaded logo
/// (checked by content, served only as its own tenant's public logo, carried by export and import).
/// </summary>
public sealed class TenantSettingsFormTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string T = "ralph-thoresby";
    private const string Page = $"/{T}/admin/settings";

    private static readonly byte[] PngBytes = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    private async Task<HttpClient> AdminAsync(string tenant = T)
    {
        var client = app.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignIn(tenant, $"admin@{tenant}.example", AppFactory.DemoPassword)).StatusCode);
        return client;
    }

    private Task<string> StoredYamlAsync(string tenant = T) =>
        app.InTenant(tenant, sp => sp.GetRequiredService<TenantSettingsEditor>().CurrentAsync(default));

    private async Task<TenantSettings> InForceAsync(string tenant = T) =>
        (await app.Services.GetRequiredService<TenantRegistry>().FindAsync(tenant))!.Settings;

    private static async Task<(HttpResponseMessage Response, string Html)> Post(HttpClient client, string handler, Dictionary<string, string> fields)
    {
        var response = await client.PostForm($"{Page}?handler={handler}", fields, Page);
        return (response, await response.Content.ReadAsStringAsync());
    }

    private static async Task<(HttpResponseMessage Response, string Html)> Upload(HttpClient client, byte[] bytes, string fileName, string contentType, string tenant = T)
    {
        var token = await client.AntiforgeryToken($"/{T}/admin/settings");
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var form = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" }, { file, "Logo", fileName } };
        var response = await client.PostAsync($"/{tenant}/admin/settings?handler=Logo", form);
        return (response, await response.Content.ReadAsStringAsync());
    }

    private Task<int> AuditCountAsync(string entity) =>
        app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().AuditEntries.CountAsync(a => a.Entity == entity));

    /// <summary>The fields a browser would post from one of the page's forms, as rendered.</summary>
    private static Dictionary<string, string> FormAsRendered(string html, string handler)
    {
        var start = html.IndexOf($"?handler={handler}\"", StringComparison.Ordinal);
        var form = html[start..html.IndexOf("</form>", start, StringComparison.Ordinal)];
        var fields = new Dictionary<string, string>();
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(form, "<input ([^>]*)>"))
        {
            string? Attr(string name) => System.Text.RegularExpressions.Regex.Match(m.Groups[1].Value, $"\\b{name}=\"([^\"]*)\"") is { Success: true } a ? WebUtility.HtmlDecode(a.Groups[1].Value) : null;
            if (Attr("name") is not { } n || n == "__RequestVerificationToken") continue;
            if (Attr("type") == "checkbox" && !m.Groups[1].Value.Contains("checked", StringComparison.Ordinal)) continue;
            fields[n] = Attr("value") ?? "";
        }
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(form, "<textarea [^>]*name=\"([^\"]+)\"[^>]*>([^<]*)</textarea>"))
            fields[m.Groups[1].Value] = WebUtility.HtmlDecode(m.Groups[2].Value).TrimStart('\n');
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(form, "<select [^>]*name=\"([^\"]+)\"[^>]*>(.*?)</select>", System.Text.RegularExpressions.RegexOptions.Singleline))
            fields[m.Groups[1].Value] = System.Text.RegularExpressions.Regex.Match(m.Groups[2].Value, "<option value=\"([^\"]*)\" selected").Groups[1].Value;
        return fields;
    }

    [Fact]
    public async Task Saving_each_part_as_the_page_shows_it_changes_nothing_and_audits_nothing()
    {
        var admin = await AdminAsync(T);
        const string page = Page;
        var before = await StoredYamlAsync(T);
        var audits = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().AuditEntries.CountAsync(a => a.Entity == "tenant-settings"));
        var html = await admin.GetStringAsync(page);
        foreach (var handler in new[] { "Organisation", "Links", "Terms", "Closures", "Roles", "Supervision" })
        {
            var fields = FormAsRendered(html, handler);
            Assert.NotEmpty(fields);
            var response = await admin.PostForm($"{page}?handler={handler}", fields, page);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, handler + ": " + await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(before, await StoredYamlAsync(T));
        Assert.Equal(audits, await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().AuditEntries.CountAsync(a => a.Entity == "tenant-settings")));
    }

    [Fact]
    public async Task Name_and_colour_are_written_into_the_yaml_leaving_its_comments_and_are_in_force_and_audited()
    {
        var admin = await AdminAsync();
        var before = await StoredYamlAsync();
        var audits = await AuditCountAsync("tenant-settings");

        var (saved, _) = await Post(admin, "Organisation", new() { ["Name"] = "Ralph Thoresby High School", ["Colour"] = "#0b3d2e" });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var after = await StoredYamlAsync();
        Assert.Contains("name: Ralph Thoresby High School\n", after);
        Assert.Contains("colour: \"#0b3d2e\"", after);
        // Only those two values changed: every comment and every other line is as it was.
        var changed = before.Split('\n').Zip(after.Split('\n')).Where(p => p.First != p.Second).ToList();
        Assert.Equal(2, changed.Count);
        Assert.Equal(before.Split('\n').Length, after.Split('\n').Length);
        Assert.Contains("# Ralph Thoresby School, Leeds.", after);

        var settings = await InForceAsync();
        Assert.Equal("Ralph Thoresby High School", settings.Name);
        Assert.Equal("#0b3d2e", settings.Theme.Colour);
        Assert.Contains("#0b3d2e", await admin.GetStringAsync($"/{T}/theme.css"));
        Assert.Contains("Ralph Thoresby High School", await admin.GetStringAsync(Page));
        Assert.Equal(audits + 1, await AuditCountAsync("tenant-settings"));
    }

    [Fact]
    public async Task A_colour_white_text_cannot_be_read_on_is_refused_with_the_field_linked_and_what_was_typed_kept()
    {
        var admin = await AdminAsync();
        var before = await StoredYamlAsync();
        var (refused, html) = await Post(admin, "Organisation", new() { ["Name"] = "Typed name kept", ["Colour"] = "#ffdd00" });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("There is a problem", html);
        Assert.Contains("href=\"#Colour\"", html);
        Assert.Contains("4.5:1", html);
        Assert.Contains("value=\"Typed name kept\"", html);
        Assert.Contains("value=\"#ffdd00\"", html);
        Assert.Equal(before, await StoredYamlAsync());
    }

    [Fact]
    public async Task Link_expiry_is_added_under_email_and_bad_values_are_refused_by_the_one_check()
    {
        var admin = await AdminAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await Post(admin, "Links", new() { ["LinkExpiryDays"] = "21" })).Response.StatusCode);
        Assert.Equal(21, (await InForceAsync()).Email.LinkExpiryDays);
        Assert.Contains("linkExpiryDays: 21", await StoredYamlAsync());

        var (_, notANumber) = await Post(admin, "Links", new() { ["LinkExpiryDays"] = "three weeks" });
        Assert.Contains("href=\"#LinkExpiryDays\"", notANumber);
        Assert.Contains("value=\"three weeks\"", notANumber);
        var (_, tooLong) = await Post(admin, "Links", new() { ["LinkExpiryDays"] = "500" });
        // Named as the page names it, with what to do: never tenant.yaml's key.
        Assert.Contains("Days an emailed link works must be from 1 to 90, not 500.", tooLong);
        Assert.DoesNotContain("linkExpiryDays", tooLong);
        Assert.Equal(21, (await InForceAsync()).Email.LinkExpiryDays);
    }

    private static Dictionary<string, string> TermFields(IEnumerable<(string Year, Term Term)> terms)
    {
        var fields = new Dictionary<string, string>();
        var i = 0;
        foreach (var (year, t) in terms)
        {
            fields[$"Terms[{i}].Year"] = year;
            fields[$"Terms[{i}].Name"] = t.Name;
            fields[$"Terms[{i}].Start"] = t.Start.ToString("yyyy-MM-dd");
            fields[$"Terms[{i}].End"] = t.End.ToString("yyyy-MM-dd");
            fields[$"Terms[{i}].BreakStart"] = t.HalfTermBreak?.Start.ToString("yyyy-MM-dd") ?? "";
            fields[$"Terms[{i}].BreakEnd"] = t.HalfTermBreak?.End.ToString("yyyy-MM-dd") ?? "";
            i++;
        }
        return fields;
    }

    [Fact]
    public async Task Term_dates_rows_are_added_and_removed_and_a_term_out_of_order_is_refused_at_its_row()
    {
        var admin = await AdminAsync();
        var terms = (await InForceAsync()).TermDates.SelectMany(y => y.Terms.Select(t => (y.Year, t))).ToList();
        var fields = TermFields(terms);
        fields["Terms[0].Remove"] = "true"; // the first term goes
        var n = terms.Count;
        fields[$"Terms[{n}].Year"] = "2028-29";
        fields[$"Terms[{n}].Name"] = "Autumn";
        fields[$"Terms[{n}].Start"] = "2028-09-04";
        fields[$"Terms[{n}].End"] = "2028-12-20";
        fields[$"Terms[{n}].BreakStart"] = "2028-10-30";
        fields[$"Terms[{n}].BreakEnd"] = "2028-11-03";
        var (saved, _) = await Post(admin, "Terms", fields);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var years = (await InForceAsync()).TermDates;
        Assert.Equal(terms.Count, years.Sum(y => y.Terms.Count));
        Assert.Equal(new DateOnly(2026, 1, 5), years[0].Terms[0].Start); // 2025-26 Autumn removed
        Assert.Equal(("2028-29", new DateOnly(2028, 10, 30)), (years[^1].Year, years[^1].Terms[0].HalfTermBreak!.Start));
        var yaml = await StoredYamlAsync();
        Assert.Contains("year: \"2028-29\"", yaml);
        Assert.Contains("# Five INSET days a year", yaml); // the comment after the list is kept
        Assert.Contains("# Leeds City Council pattern.", yaml); // and the one before it

        // A new term that starts before the one before it ends: the loader's rule, shown at that row.
        var now = (await InForceAsync()).TermDates.SelectMany(y => y.Terms.Select(t => (y.Year, t))).ToList();
        var bad = TermFields(now.Append(("2028-29", new Term { Name = "Spring", Start = new DateOnly(2028, 12, 1), End = new DateOnly(2029, 3, 29) })));
        var (refused, html) = await Post(admin, "Terms", bad);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains($"href=\"#Terms_{now.Count}__Start\"", html);
        Assert.Contains("Spring 2028-29 must start after the previous term ends", html);
        Assert.DoesNotContain("termDates", html);
        Assert.Contains("value=\"2028-12-01\"", html);

        var notADateFields = TermFields(now);
        notADateFields["Terms[0].End"] = "31/02/2026";
        var (_, notADate) = await Post(admin, "Terms", notADateFields);
        Assert.Contains("href=\"#Terms_0__End\"", notADate);
        Assert.Equal(now.Count, (await InForceAsync()).TermDates.Sum(y => y.Terms.Count));
    }

    [Fact]
    public async Task Closure_days_are_added_and_removed()
    {
        var admin = await AdminAsync();
        var days = (await InForceAsync()).ClosureDays;
        var fields = new Dictionary<string, string>();
        for (var i = 0; i < days.Count; i++)
        {
            fields[$"Closures[{i}].Date"] = days[i].Date.ToString("yyyy-MM-dd");
            fields[$"Closures[{i}].Name"] = days[i].Name;
        }
        fields["Closures[1].Remove"] = "true";
        fields[$"Closures[{days.Count}].Date"] = "2026-12-21";
        fields[$"Closures[{days.Count}].Name"] = "Snow day (planned)";
        Assert.Equal(HttpStatusCode.Redirect, (await Post(admin, "Closures", fields)).Response.StatusCode);

        var now = (await InForceAsync()).ClosureDays;
        Assert.Equal(days.Count, now.Count);
        Assert.DoesNotContain(now, d => d.Date == days[1].Date);
        Assert.Contains(now, d => d.Date == new DateOnly(2026, 12, 21) && d.Name == "Snow day (planned)");
        Assert.Contains("name: Snow day (planned)", await StoredYamlAsync());
    }

    [Fact]
    public async Task Role_holders_change_and_an_entry_that_is_not_an_address_is_refused()
    {
        var admin = await AdminAsync();
        var roles = (await InForceAsync()).Roles;
        var fields = new Dictionary<string, string>();
        for (var i = 0; i < roles.Count; i++)
        {
            fields[$"Roles[{i}].Id"] = roles[i].Id;
            fields[$"Roles[{i}].Holders"] = string.Join("\n", roles[i].Holders);
        }
        var gov = roles.FindIndex(r => r.Id == "designated-safeguarding-governor");
        fields[$"Roles[{gov}].Holders"] = "auditor@ralph-thoresby.example\nnew.governor@ralph-thoresby.example";
        var (rolesSaved, rolesHtml) = await Post(admin, "Roles", fields);
        Assert.True(rolesSaved.StatusCode == HttpStatusCode.Redirect, rolesHtml);
        Assert.Equal(["auditor@ralph-thoresby.example", "new.governor@ralph-thoresby.example"], (await InForceAsync()).Roles[gov].Holders);
        var yaml = await StoredYamlAsync();
        Assert.Contains("holders: [auditor@ralph-thoresby.example, new.governor@ralph-thoresby.example]", yaml);
        Assert.Contains("# Makes periodic checks of supervision files [13].", yaml);

        fields[$"Roles[{gov}].Holders"] = "the chair of governors";
        var (refused, html) = await Post(admin, "Roles", fields);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains($"href=\"#Roles_{gov}__Holders\"", html);
        Assert.Contains("“the” is not an email address. Enter each person by their email address, one a line.", System.Net.WebUtility.HtmlDecode(html));
        Assert.DoesNotContain("roles.designated-safeguarding-governor", html);
        Assert.Equal(2, (await InForceAsync()).Roles[gov].Holders.Count);
    }

    [Fact]
    public async Task Supervision_frequency_and_due_soon_days_change_in_the_supervision_block_only()
    {
        var admin = await AdminAsync();
        var (saved, _) = await Post(admin, "Supervision", new()
        {
            ["DueSoonDays"] = "7",
            ["Types[0].Id"] = "one-to-one",
            ["Types[0].Frequency[0].Number"] = "4", ["Types[0].Frequency[0].Unit"] = "weeks",
            ["Types[0].Frequency[1].Number"] = "2", ["Types[0].Frequency[1].Unit"] = "term",
            ["Types[1].Id"] = "group",
            ["Types[1].Frequency[0].Number"] = "1", ["Types[1].Frequency[0].Unit"] = "weeks",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var s = (await InForceAsync()).Supervision;
        Assert.Equal(7, s.DueSoonDays);
        var one = s.Type("one-to-one")!;
        Assert.Equal([(4, "weeks"), (null, "weeks")], one.Frequency.Select(f => (f.Every, f.Unit)));
        Assert.Equal((2, "term"), (one.Frequency[1].AtLeast, one.Frequency[1].Per));
        var yaml = await StoredYamlAsync();
        Assert.Contains("- { every: 4, unit: weeks }\n        - { atLeast: 2, per: term }\n    # Weekly team meeting [8].", yaml);
        Assert.Contains("agreementReviewMonths: 12   # reviewed annually [4]", yaml);

        var (refused, html) = await Post(admin, "Supervision", new()
        {
            ["DueSoonDays"] = "200", ["Types[0].Id"] = "one-to-one", ["Types[0].Frequency[0].Number"] = "4", ["Types[0].Frequency[0].Unit"] = "weeks",
        });
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("href=\"#DueSoonDays\"", html);
        Assert.Contains("Days before a session is due that it shows as due soon must be from 0 to 120.", html);
        Assert.DoesNotContain("supervision.dueSoonDays", html);
        Assert.Equal(7, (await InForceAsync()).Supervision.DueSoonDays);

        // Reminders before each session: a number of days, refused in words past the limit, empty for none.
        var (reminded, _) = await Post(admin, "Supervision", new() { ["DueSoonDays"] = "7", ["ReminderDaysBefore"] = "3" });
        Assert.Equal(HttpStatusCode.Redirect, reminded.StatusCode);
        Assert.Equal(3, (await InForceAsync()).Supervision.ReminderDays);
        Assert.Contains("reminderDaysBefore: 3", await StoredYamlAsync());
        var (tooMany, tooManyHtml) = await Post(admin, "Supervision", new() { ["DueSoonDays"] = "7", ["ReminderDaysBefore"] = "40" });
        Assert.Equal(HttpStatusCode.OK, tooMany.StatusCode);
        Assert.Contains("href=\"#ReminderDaysBefore\"", tooManyHtml);
        Assert.Contains("Days before each session that its people are reminded must be a whole number from 0 to 28, or empty for no reminders.", tooManyHtml);
        var (none, _) = await Post(admin, "Supervision", new() { ["DueSoonDays"] = "7", ["ReminderDaysBefore"] = "" });
        Assert.Equal(HttpStatusCode.Redirect, none.StatusCode);
        Assert.Null((await InForceAsync()).Supervision.ReminderDays);
    }

    [Fact]
    public async Task A_png_logo_is_served_with_a_version_and_etag_and_removed_again_all_audited()
    {
        var admin = await AdminAsync();
        await admin.PostForm($"{Page}?handler=RemoveLogo", new Dictionary<string, string>(), Page); // whatever another test left
        var audits = await AuditCountAsync("tenant-logo");
        var (uploaded, _) = await Upload(admin, PngBytes, "crest.png", "image/png");
        Assert.Equal(HttpStatusCode.Redirect, uploaded.StatusCode);

        var html = await admin.GetStringAsync(Page);
        var src = System.Text.RegularExpressions.Regex.Match(html, "<img src=\"(/ralph-thoresby/logo\\?v=[0-9a-f]{16})\" alt=\"\" class=\"app-header__logo\"").Groups[1].Value;
        Assert.NotEmpty(src);
        Assert.Contains("alt=\"Ralph Thoresby", html); // the settings page's preview is named

        var anonymous = app.Browser(); // public: it is on the sign-in page
        var served = await anonymous.GetAsync(src);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal(PngBytes, await served.Content.ReadAsByteArrayAsync());
        Assert.Contains("immutable", served.Headers.CacheControl!.ToString());
        Assert.Contains("sandbox", served.Headers.GetValues("Content-Security-Policy").Single());
        var etag = served.Headers.ETag!;
        var again = new HttpRequestMessage(HttpMethod.Get, $"/{T}/logo");
        again.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await anonymous.SendAsync(again)).StatusCode);

        var removed = await admin.PostForm($"{Page}?handler=RemoveLogo", new Dictionary<string, string>(), Page);
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/{T}/logo")).StatusCode); // no file to fall back on
        Assert.DoesNotContain("app-header__logo", await admin.GetStringAsync(Page));
        Assert.Equal(audits + 2, await AuditCountAsync("tenant-logo"));
    }

    [Fact]
    public async Task A_logo_is_refused_for_its_content_not_its_name_with_a_clear_message()
    {
        var admin = await AdminAsync();
        var before = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Tenants.Where(t => t.Identifier == T).Select(t => t.LogoHash).SingleAsync());
        var (text, html1) = await Upload(admin, Encoding.UTF8.GetBytes("just some text, not an image"), "logo.png", "image/png");
        Assert.Equal(HttpStatusCode.OK, text.StatusCode);
        Assert.Contains("The logo must be a PNG, JPEG or SVG image.", html1);
        Assert.Contains("href=\"#Logo\"", html1);

        var big = new byte[LogoRules.MaxBytes + 1];
        PngBytes.CopyTo(big, 0);
        var (_, html2) = await Upload(admin, big, "big.png", "image/png");
        Assert.Contains("The logo must be smaller than 512 KB", html2);

        var (_, html3) = await Upload(admin, Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"), "logo.svg", "image/svg+xml");
        Assert.Contains("a logo may not contain script", html3);
        var (_, html4) = await Upload(admin, Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><rect width=\"1\" height=\"1\"/></svg>"), "logo.svg", "image/svg+xml");
        Assert.Contains("event handler", html4);
        var (_, html5) = await Upload(admin, Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"><a xlink:href=\"javascript:alert(1)\"><rect width=\"1\" height=\"1\"/></a></svg>"), "logo.svg", "image/svg+xml");
        Assert.Contains("a logo must be self-contained", html5);
        Assert.Equal(before, await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Tenants.Where(t => t.Identifier == T).Select(t => t.LogoHash).SingleAsync()));

        // A plain SVG is taken, and served so that even opened directly it could run nothing.
        var svg = "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><rect width=\"10\" height=\"10\" fill=\"#7a1f3d\"/></svg>";
        Assert.Equal(HttpStatusCode.Redirect, (await Upload(admin, Encoding.UTF8.GetBytes(svg), "crest.svg", "image/svg+xml")).Response.StatusCode);
        var served = await app.Browser().GetAsync($"/{T}/logo");
        Assert.Equal("image/svg+xml", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal("default-src 'none'; style-src 'unsafe-inline'; sandbox", served.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", served.Headers.GetValues("X-Content-Type-Options").Single());
        await admin.PostForm($"{Page}?handler=RemoveLogo", new Dictionary<string, string>(), Page);
    }

    [Fact]
    public async Task Another_tenants_admin_cannot_upload_to_or_remove_this_tenants_logo()
    {
        var mine = await AdminAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await Upload(mine, PngBytes, "crest.png", "image/png")).Response.StatusCode);
        var other = await AdminAsync("ascent");
        var jpeg = new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0 };
        var token = await other.AntiforgeryToken("/ascent/admin/settings");
        var file = new ByteArrayContent(jpeg);
        using var form = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" }, { file, "Logo", "x.jpg" } };
        var attempt = await other.PostAsync($"/{T}/admin/settings?handler=Logo", form);
        Assert.NotEqual(HttpStatusCode.OK, attempt.StatusCode); // A's cookie is not a sign-in at B: sent to B's sign-in page
        Assert.Contains("/account/sign-in", attempt.Headers.Location?.ToString() ?? "", StringComparison.Ordinal);
        var removal = await other.PostAsync($"/{T}/admin/settings?handler=RemoveLogo", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        Assert.NotEqual(HttpStatusCode.OK, removal.StatusCode);
        Assert.Equal(PngBytes, await app.Browser().GetByteArrayAsync($"/{T}/logo"));
        // Each tenant's logo address serves that tenant's logo only: ascent has none.
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/ascent/logo")).StatusCode);
        await mine.PostForm($"{Page}?handler=RemoveLogo", new Dictionary<string, string>(), Page);
    }

    [Fact]
    public async Task Export_carries_the_uploaded_logo_and_a_tenant_made_from_the_zip_has_it()
    {
        var admin = await AdminAsync("river-tees");
        var token = await admin.AntiforgeryToken("/river-tees/admin/settings");
        var file = new ByteArrayContent(PngBytes);
        using (var form = new MultipartFormDataContent { { new StringContent(token), "__RequestVerificationToken" }, { file, "Logo", "crest.png" } })
            Assert.Equal(HttpStatusCode.Redirect, (await admin.PostAsync("/river-tees/admin/settings?handler=Logo", form)).StatusCode);

        var zip = await admin.GetByteArrayAsync("/river-tees/admin/configuration?handler=Download");
        using (var archive = new ZipArchive(new MemoryStream(zip)))
        {
            var entry = archive.Entries.Single(e => e.FullName.EndsWith("/logo.png", StringComparison.Ordinal));
            using var s = entry.Open();
            using var copy = new MemoryStream();
            await s.CopyToAsync(copy);
            Assert.Equal(PngBytes, copy.ToArray());
        }

        var op = await app.OperatorAsync();
        var opToken = await op.AntiforgeryToken("/platform/tenants/new");
        using var create = new MultipartFormDataContent
        {
            { new StringContent(opToken), "__RequestVerificationToken" },
            { new StringContent("Tees Copy"), "Name" }, { new StringContent("tees-copy"), "Identifier" }, { new StringContent("Trust"), "Kind" },
            { new StringContent("Ola Admin"), "AdminName" }, { new StringContent("ola@tees-copy.example"), "AdminEmail" },
            { new StringContent("upload"), "Template" }, { new ByteArrayContent(zip), "Upload", "river-tees.zip" },
        };
        var created = await op.PostAsync("/platform/tenants/new", create);
        Assert.True(created.StatusCode == HttpStatusCode.Redirect, await created.Content.ReadAsStringAsync());
        Assert.Equal(PngBytes, await app.Browser().GetByteArrayAsync("/tees-copy/logo"));
    }
}
