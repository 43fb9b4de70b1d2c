using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;

namespace SupervisionHub.Web.Tests;

public sealed class StaffImportTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static string Csv(params string[] rows) => StaffDirectory.CsvHeader + "\n" + string.Join("\n", rows) + "\n";

    private Task<int> CountAsync(string tenant) => app.InTenant(tenant, sp => sp.GetRequiredService<AppDbContext>().Staff.CountAsync());

    private Task<StaffDirectory.ImportResult> ImportAsync(string tenant, string csv) =>
        app.InTenant(tenant, sp => sp.GetRequiredService<StaffDirectory>().ImportAsync(csv, CancellationToken.None));

    [Fact]
    public async Task One_bad_row_imports_nothing_and_names_the_row()
    {
        var before = await CountAsync("ralph-thoresby");
        var result = await ImportAsync("ralph-thoresby", Csv(
            "Priya Shah,priya.shah@example.org,Learning Mentor,,,supervisee,,,,2026-09-01,",
            "Tom Reed,not-an-email,Teacher,,,supervisee,,,,,",
            "Ann Lee,ann.lee@example.org,Teacher,,,supervisee,,,,,"));
        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("Row 3:", error);
        Assert.Contains("email", error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await CountAsync("ralph-thoresby"));
    }

    [Fact]
    public async Task Every_problem_is_reported_with_its_row()
    {
        var result = await ImportAsync("ascent", Csv(
            ",nobody@example.org,,,,supervisee,,,,,",
            "Bea Bad,bea@example.org,,Atlantis,,superhero,,,,,",
            "Cal Date,cal@example.org,,,,supervisee,,,,31/02/2026,",
            "Dee Dup,bea@example.org,,,,supervisee,,,,,",
            "Eve Boss,eve@example.org,,,ghost@example.org,supervisee,,,,,",
            "Fay Train,fay@example.org,,,,supervisor,NSPCC,2026-01-10,2025-01-10,,"));
        Assert.Collection(result.Errors,
            e => Assert.Matches("^Row 2: .*name", e),
            e => Assert.Matches("^Row 3: .*role 'superhero'", e),
            e => Assert.Matches("^Row 3: .*Choose a site|^Row 3: .*site", e),
            e => Assert.Matches("^Row 4: .*start_date '31/02/2026' is not a date", e),
            e => Assert.Matches("^Row 5: .*already on row 3", e),
            e => Assert.Matches("^Row 6: line manager ghost@example.org is not in the file or the directory", e),
            e => Assert.Matches("^Row 7: .*training_expiry must be after training_date", e));
    }

    [Fact]
    public async Task A_clean_file_imports_everyone_with_line_managers_and_training()
    {
        var result = await ImportAsync("devon-torbay", Csv(
            "Gwen Manager,gwen.manager@example.org,Team Manager,,,line-manager;supervisor,Skills of Safeguarding Supervision,2025-05-01,2028-05-01,2020-01-06,",
            "\"O'Neill, Harry\",harry.oneill@example.org,Social Worker,,gwen.manager@example.org,supervisee,,,,2026-11-02,"));
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(2, result.Added);
        await app.InTenant("devon-torbay", async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var harry = await db.Staff.Include(s => s.LineManager).SingleAsync(s => s.Email == "harry.oneill@example.org");
            Assert.Equal("O'Neill, Harry", harry.FullName);
            Assert.Equal("Gwen Manager", harry.LineManager!.FullName);
            var gwen = await db.Staff.Include(s => s.Training).SingleAsync(s => s.Email == "gwen.manager@example.org");
            Assert.True(gwen.Has(StaffRoles.LineManager | StaffRoles.Supervisor));
            Assert.Equal(new DateOnly(2028, 5, 1), Assert.Single(gwen.Training).ExpiresOn);
        });
    }

    [Fact]
    public async Task The_import_page_reports_rows_and_keeps_the_directory_unchanged()
    {
        var client = app.Browser();
        await client.SignIn("mse-icb", "admin@mse-icb.example", AppFactory.DemoPassword);
        var before = await CountAsync("mse-icb");
        var token = await client.AntiforgeryToken("/mse-icb/staff/import");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
        };
        var file = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(Csv(
            "Ok Person,ok.person@example.org,,,,supervisee,,,,,",
            "No Roles,no.roles@example.org,,,,,,,,,")));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "Upload", "staff.csv");
        var response = await client.PostAsync("/mse-icb/staff/import", form);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Nothing was imported", html);
        Assert.Contains("Row 3: select at least one role.", html);
        Assert.Equal(before, await CountAsync("mse-icb"));
    }

    [Fact]
    public async Task The_template_downloads_and_a_supervisee_cannot_reach_the_import()
    {
        var admin = app.Browser();
        await admin.SignIn("ascent", "admin@ascent.example", AppFactory.DemoPassword);
        var template = await admin.GetAsync("/ascent/staff/import?handler=Template");
        Assert.Equal("text/csv", template.Content.Headers.ContentType!.MediaType);
        Assert.Contains(StaffDirectory.CsvHeader, await template.Content.ReadAsStringAsync());

        var supervisee = app.Browser();
        await supervisee.SignIn("ascent", "supervisee@ascent.example", AppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisee.GetAsync("/ascent/staff/import")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisee.GetAsync("/ascent/staff")).StatusCode);
    }

    [Fact]
    public async Task An_empty_add_person_form_gets_every_error_not_a_crash()
    {
        var admin = app.Browser();
        await admin.SignIn("ascent", "admin@ascent.example", AppFactory.DemoPassword);
        var response = await admin.PostForm("/ascent/staff/new", new Dictionary<string, string>
            { ["Input.FullName"] = "", ["Input.Email"] = "", ["Input.StartDate.Day"] = "40", ["Input.StartDate.Month"] = "1", ["Input.StartDate.Year"] = "2026" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Enter the person&#x27;s full name", html);
        Assert.Contains("Enter the person&#x27;s email address", html);
        Assert.Contains("Select at least one role", html);
        Assert.Contains("Start date must be a real date", html);
        Assert.Contains("value=\"40\"", html); // the day as typed, to correct
    }
}
