using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Pages.Records;

namespace SupervisionHub.Web.Tests.ChildFile;

/// <summary>A tenant's copy with two test forms of its own: one that gives a child's file output, one that does not.</summary>
public sealed class ChildFileFactory : CopiedTenantsFactory
{
    public const string Tenant = "ralph-thoresby";

    public const string Form = """
        id: child-file-test
        title: Case discussion
        purpose: case-proforma
        childFile:
          caseReference: case-ref
          date: date
          decisions: [decision, actions]
        sections:
          - id: main
            title: The case
            filledBy: supervisor
            fields:
              - { id: case-ref, type: caseReference, label: Case reference }
              - { id: date, type: date, label: Date of supervision }
              - { id: wellbeing, type: longText, label: How are you feeling }
              - { id: decision, type: longText, label: Decision }
              - id: actions
                type: table
                label: Actions
                columns:
                  - { id: action, type: text, label: Action }
        """;

    public ChildFileFactory()
    {
        var forms = Path.Combine(TenantsFolder, Tenant, "forms");
        File.WriteAllText(Path.Combine(forms, "child-file-test.yaml"), Form);
        var without = Form[..Form.IndexOf("childFile:", StringComparison.Ordinal)] + Form[Form.IndexOf("sections:", StringComparison.Ordinal)..];
        File.WriteAllText(Path.Combine(forms, "no-child-file.yaml"), without.Replace("id: child-file-test", "id: no-child-file", StringComparison.Ordinal));
    }
}

/// <summary>
/// "For the child's file" over plain HTTP: who gets it (the record's read decision), what it holds
/// (the named answers only, as text and as a PDF read back), how it is sent (no-store, no case
/// detail in the address or file name) and that each view and download is on the audit log.
/// </summary>
public sealed class ChildFileTests(ChildFileFactory app) : IClassFixture<ChildFileFactory>
{
    private const string T = ChildFileFactory.Tenant;
    private const string CaseRef = "CP-48213";

    /// <summary>A record of <paramref name="formId"/> started and saved by the supervisor; its id and their client.</summary>
    private async Task<(HttpClient Client, Guid Id)> RecordAsync(string formId = "child-file-test", string decision = "Refer to children's social care today.")
    {
        var client = app.Browser();
        await client.SignIn(T, "supervisor@ralph-thoresby.example", AppFactory.DemoPassword);
        var start = await client.PostForm($"/{T}/forms?handler=Start", new Dictionary<string, string> { ["formId"] = formId }, $"/{T}/forms");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var url = start.Headers.Location!.OriginalString;
        var save = await client.PostForm(url + "?handler=Save", new Dictionary<string, string>
        {
            ["a.case-ref"] = CaseRef, ["a.date.day"] = "3", ["a.date.month"] = "12", ["a.date.year"] = "2026",
            ["a.wellbeing"] = "Struggling with sleep", ["a.decision"] = decision,
            ["a.actions.rows"] = "1", ["a.actions[0].action"] = "Phone the social worker",
        }, url);
        Assert.Equal(HttpStatusCode.Redirect, save.StatusCode);
        return (client, Guid.Parse(url.Split('/')[^1]));
    }

    private Task<List<(string Actor, string Action)>> AuditAsync(Guid record) => app.InTenant(T, async sp =>
        (await sp.GetRequiredService<AppDbContext>().AuditEntries.AsNoTracking().Where(e => e.Entity == "record" && e.EntityId == record.ToString())
            .Select(e => new { e.ActorId, e.Action }).ToListAsync()).Select(e => (e.ActorId, e.Action)).ToList());

    private Task<string> StaffIdAsync(string email) => app.InTenant(T, sp =>
        sp.GetRequiredService<AppDbContext>().Staff.Where(s => s.Email == email).Select(s => s.Id).SingleAsync());

    [Fact]
    public async Task The_text_is_headed_by_the_case_reference_holds_only_the_named_answers_and_is_logged_and_not_stored()
    {
        var (client, id) = await RecordAsync();
        var record = await client.GetStringAsync($"/{T}/records/{id}");
        Assert.Contains($"href=\"/{T}/records/{id}/child-file\"", record);

        var response = await client.GetAsync($"/{T}/records/{id}/child-file");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, response.Headers.CacheControl?.ToString());
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains($"Case reference: {CaseRef}\nSupervision date: 3 December 2026\n", html);
        Assert.Contains("Decision:\nRefer to children's social care today.", html);
        Assert.Contains("Actions:\n1. Action: Phone the social worker", html);
        Assert.Contains("Recorded by: ", html);
        Assert.DoesNotContain("Struggling with sleep", html); // not named in childFile: stays in the record
        Assert.Contains("readonly", html);
        Assert.Contains($"/{T}/records/{id}/child-file?handler=Pdf", html);

        var supervisor = await StaffIdAsync("supervisor@ralph-thoresby.example");
        Assert.Contains((supervisor, ChildFileModel.TextAction), await AuditAsync(id));
    }

    [Fact]
    public async Task The_pdf_holds_the_case_reference_and_decisions_wraps_long_text_and_is_named_by_record_id_only()
    {
        var longDecision = "Refer to children's social care today. Llŷr's school to be told. " + string.Concat(Enumerable.Range(1, 160).Select(i => $"Point {i} of the plan agreed with the designated lead. ")) + "The last words.";
        var (client, id) = await RecordAsync(decision: longDecision);
        var response = await client.GetAsync($"/{T}/records/{id}/child-file?handler=Pdf");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore, response.Headers.CacheControl?.ToString());
        var fileName = response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName ?? "";
        Assert.StartsWith($"child-file-{id:N}-", fileName, StringComparison.Ordinal);
        Assert.DoesNotContain(CaseRef, fileName, StringComparison.Ordinal);

        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(bytes, 0, 5), StringComparison.Ordinal);
        var (pages, text) = PdfText.Read(bytes);
        Assert.Contains($"Case reference: {CaseRef}", text);
        Assert.Contains("Refer to children's social care today.", text);
        Assert.Contains("Llŷr's school to be told.", text); // beyond Windows-1252: drawn and read back as typed
        Assert.Contains("The last words.", text); // the end of a text longer than a page: wrapped, carried on, not cut off
        Assert.True(pages >= 2, $"{pages} page(s)");
        Assert.Contains("Phone the social worker", text);
        Assert.DoesNotContain("Struggling with sleep", text);

        var supervisor = await StaffIdAsync("supervisor@ralph-thoresby.example");
        Assert.Contains((supervisor, ChildFileModel.PdfAction), await AuditAsync(id));
    }

    [Fact]
    public async Task Someone_who_may_not_read_the_record_gets_404_for_both_and_nothing_is_logged_for_them()
    {
        var (_, id) = await RecordAsync();
        // A record started under "Forms and records" is its author's alone: the supervisee is not a party.
        var colleague = app.Browser();
        await colleague.SignIn(T, "supervisee@ralph-thoresby.example", AppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.NotFound, (await colleague.GetAsync($"/{T}/records/{id}/child-file")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await colleague.GetAsync($"/{T}/records/{id}/child-file?handler=Pdf")).StatusCode);
        var supervisee = await StaffIdAsync("supervisee@ralph-thoresby.example");
        Assert.DoesNotContain(await AuditAsync(id), e => e.Actor == supervisee);

        // Another tenant's person, signed in at their own tenant, asking there by the record's id.
        var outsider = app.Browser();
        await outsider.SignIn("river-tees", "supervisor@river-tees.example", AppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/river-tees/records/{id}/child-file")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/river-tees/records/{id}/child-file?handler=Pdf")).StatusCode);
        // ...and at this tenant with their cookie: not let in.
        Assert.NotEqual(HttpStatusCode.OK, (await outsider.GetAsync($"/{T}/records/{id}/child-file?handler=Pdf")).StatusCode);
    }

    [Fact]
    public async Task A_form_without_the_marker_has_no_output()
    {
        var (client, id) = await RecordAsync("no-child-file");
        Assert.DoesNotContain("child-file", await client.GetStringAsync($"/{T}/records/{id}"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/{T}/records/{id}/child-file")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/{T}/records/{id}/child-file?handler=Pdf")).StatusCode);
    }
}
