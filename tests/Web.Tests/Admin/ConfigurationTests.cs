using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Email;
using SupervisionHub.Web.Records;
using SupervisionHub.Web.Tenancy;
using SupervisionHub.Web.Tests.Workflows;
using SupervisionHub.Web.Workflows;
using SupervisionHub.Workflows.Engine;

namespace SupervisionHub.Web.Tests.Admin;

/// <summary>
/// Issue 7 items 5 and 6: an admin exports the tenant's configuration in force as a tenants/&lt;slug&gt;/
/// zip; the operator makes a new tenant from it (or from a founding tenant directly), checked in full
/// first; the copy behaves as the original. Only a tenant's own admins export; only the operator creates.
/// </summary>
public sealed class ConfigurationTests(AppFactory app) : IClassFixture<AppFactory>
{
    private const string T = "ralph-thoresby";
    private static readonly string Folder = AppFactory.RepoPath(Path.Combine("tenants", T));

    private async Task<HttpClient> SignedInAsync(string tenant, string who)
    {
        var client = app.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await client.SignIn(tenant, $"{who}@{tenant}.example", AppFactory.DemoPassword)).StatusCode);
        return client;
    }

    private Task<HttpClient> OperatorAsync() => app.OperatorAsync();

    private async Task<byte[]> ExportAsync(string tenant = T)
    {
        var admin = await SignedInAsync(tenant, "admin");
        Assert.Contains("Download the configuration", await admin.GetStringAsync($"/{tenant}/admin/configuration"));
        var response = await admin.GetAsync($"/{tenant}/admin/configuration?handler=Download");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static Dictionary<string, string> Entries(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip));
        return archive.Entries.ToDictionary(e => e.FullName, e => { using var r = new StreamReader(e.Open()); return r.ReadToEnd(); });
    }

    private static byte[] Zip(Dictionary<string, string> entries)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, text) in entries)
            {
                using var s = archive.CreateEntry(name).Open();
                s.Write(Encoding.UTF8.GetBytes(text));
            }
        return buffer.ToArray();
    }

    /// <summary>The operator's "Add an organisation" with an uploaded zip, as a browser posts it.</summary>
    private static async Task<HttpResponseMessage> CreateAsync(HttpClient op, string identifier, string template, byte[]? zip = null)
    {
        var token = await op.AntiforgeryToken("/platform/tenants/new");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("Copy of " + identifier), "Name" },
            { new StringContent(identifier), "Identifier" },
            { new StringContent("School"), "Kind" },
            { new StringContent("Ola Admin"), "AdminName" },
            { new StringContent($"ola@{identifier}.example"), "AdminEmail" },
            { new StringContent(template), "Template" },
        };
        if (zip is not null)
        {
            var file = new ByteArrayContent(zip);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
            form.Add(file, "Upload", "configuration.zip");
        }
        return await op.PostAsync("/platform/tenants/new", form);
    }

    private static string[] Names(string folder, string pattern) =>
        [.. Directory.GetFiles(Path.Combine(Folder, folder), pattern).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Export_holds_every_form_workflow_and_template_in_force_its_tenant_yaml_validates_and_it_is_audited()
    {
        var entries = Entries(await ExportAsync());

        Assert.Equal(File.ReadAllText(Path.Combine(Folder, "tenant.yaml")), entries[$"{T}/tenant.yaml"]);
        Assert.True(TenantConfigLoader.Load(entries[$"{T}/tenant.yaml"], "tenant.yaml").IsValid);
        foreach (var (folder, pattern) in new[] { ("forms", "*.yaml"), ("workflows", "*.yaml"), ("emails", "*.md") })
        {
            var names = Names(folder, pattern);
            Assert.NotEmpty(names);
            Assert.Equal(names, entries.Keys.Where(k => k.StartsWith($"{T}/{folder}/", StringComparison.Ordinal)).Select(k => Path.GetFileName(k)).Order(StringComparer.Ordinal));
            foreach (var name in names)
                Assert.Equal(File.ReadAllText(Path.Combine(Folder, folder, name)).Replace("\r\n", "\n", StringComparison.Ordinal), entries[$"{T}/{folder}/{name}"]);
        }
        Assert.DoesNotContain(entries.Keys, k => k.Contains("/demo/", StringComparison.Ordinal));

        var audited = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().AuditEntries.AsNoTracking()
            .AnyAsync(e => e.Action == "export" && e.Entity == "configuration" && e.EntityId == T));
        Assert.True(audited);
    }

    private sealed record Published(TenantSettings Settings, Dictionary<string, string> FormHashes, Dictionary<string, WorkflowVersion> Workflows, Dictionary<string, string> Emails);

    private Task<Published> PublishedAsync(string tenant) => app.InTenant(tenant, async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var forms = await sp.GetRequiredService<FormCatalog>().LatestVersionsAsync(CancellationToken.None);
        var workflows = await db.WorkflowVersions.AsNoTracking().Where(v => v.IsCurrent).ToDictionaryAsync(v => v.WorkflowId);
        var catalog = sp.GetRequiredService<EmailTemplateCatalog>();
        var emails = new Dictionary<string, string>();
        foreach (var name in catalog.Names()) emails[name] = (await catalog.CurrentAsync(name, CancellationToken.None))!.Text;
        return new Published(sp.GetRequiredService<ITenantContext>().Tenant.Settings, forms.ToDictionary(v => v.FormId, v => v.ContentHash), workflows, emails);
    });

    /// <summary>Runs the tenant's published rule over a script with its own settings; the emails rendered with its own templates.</summary>
    private async Task<(SimulationResult Result, string[] Rendered)> SimulateAsync(string tenant, string workflow, string type, string script)
    {
        var published = await PublishedAsync(tenant);
        var settings = Scenario.Settings(published.Settings, type) with { TenantName = "The school" };
        var loaded = SimulationScript.Load(script);
        Assert.Empty(loaded.Errors);
        var result = WorkflowSimulator.Run(WorkflowCatalog.Definition(published.Workflows[workflow]), loaded.Script!, settings);
        Assert.Empty(result.Incidents);
        var rendered = await app.InTenant(tenant, async sp =>
        {
            var templates = sp.GetRequiredService<EmailTemplates>();
            var db = sp.GetRequiredService<AppDbContext>();
            var list = new List<string>();
            foreach (var e in result.Emails)
            {
                var email = EmailTemplates.Render(await templates.GetAsync(db, tenant, e.Template), e.Model);
                list.Add(email.Subject + "\n" + email.Text);
            }
            return list.ToArray();
        });
        return (result, rendered);
    }

    private static string Describe(SimulationResult r) => string.Join("\n",
        r.Emails.Select(e => $"email {e.Template} to {string.Join(",", e.To.Select(p => p.Email))} cc {string.Join(",", e.Cc.Select(p => p.Email))}")
            .Concat(r.Tasks.Select(t => $"task {t.Title} for {t.For.Email} due {t.Due} form {t.FormId} booking {t.Booking}"))
            .Concat(r.Journal.Select(j => $"{j.At:O} {j.StepId} {j.What} {j.Decision}")));

    private async Task AssertBehavesAsAsync(string copy)
    {
        var original = await PublishedAsync(T);
        var copied = await PublishedAsync(copy);
        Assert.Equal(original.FormHashes.OrderBy(f => f.Key), copied.FormHashes.OrderBy(f => f.Key));
        Assert.Equal(original.Workflows.ToDictionary(w => w.Key, w => w.Value.ContentHash).OrderBy(f => f.Key),
            copied.Workflows.ToDictionary(w => w.Key, w => w.Value.ContentHash).OrderBy(f => f.Key));
        Assert.All(copied.Workflows.Values, v => Assert.Equal(1, v.Version));
        Assert.Equal(original.Emails.OrderBy(f => f.Key), copied.Emails.OrderBy(f => f.Key));
        Assert.Equal(original.Settings.Roles.Select(r => r.Id), copied.Settings.Roles.Select(r => r.Id));
        Assert.Equal(original.Settings.TermDates.SelectMany(y => y.Terms).Select(t => (t.Start, t.End)), copied.Settings.TermDates.SelectMany(y => y.Terms).Select(t => (t.Start, t.End)));
        Assert.Equal(original.Settings.ClosureDays.Select(c => c.Date), copied.Settings.ClosureDays.Select(c => c.Date));

        // The same histories through both tenants' published rules: the same emails, tasks and journal, and the same wording.
        foreach (var (workflow, type, script) in new[]
        {
            ("supervision-overdue", "one-to-one", """
                until: 2026-03-31
                sessions:
                  - { date: 2026-01-12, outcome: attended }
                events:
                  - { at: 2026-03-02T09:00+00:00, event: supervision.overdue }
                """),
            ("record-sign-off", "one-to-one", """
                until: 2026-07-31
                events:
                  - { at: 2026-06-24T15:00+01:00, event: record.submitted, form: supervision-record, session: s1 }
                """),
        })
        {
            var a = await SimulateAsync(T, workflow, type, script);
            var b = await SimulateAsync(copy, workflow, type, script);
            Assert.NotEmpty(a.Result.Emails);
            Assert.Equal(Describe(a.Result), Describe(b.Result));
            Assert.Equal(a.Rendered, b.Rendered);
        }
    }

    [Fact]
    public async Task Importing_the_export_as_a_new_tenant_or_copying_the_founding_tenant_gives_identical_behaviour()
    {
        var zip = await ExportAsync();
        var op = await OperatorAsync();
        var created = await CreateAsync(op, "ralph-copy", "upload", zip);
        Assert.True(created.StatusCode == HttpStatusCode.Redirect, await created.Content.ReadAsStringAsync());
        Assert.Equal("/platform", created.Headers.Location?.OriginalString);
        await AssertBehavesAsAsync("ralph-copy");

        // The new tenant keeps its own id and name, no host names, and its first admin (at the copy's site) was sent a link.
        var yaml = await app.InTenant("ralph-copy", sp => sp.GetRequiredService<AppDbContext>().Tenants.AsNoTracking().Where(t => t.Identifier == "ralph-copy").Select(t => t.ConfigurationYaml).SingleAsync());
        var settings = TenantConfigLoader.Load(yaml, "tenant.yaml").Settings!;
        Assert.Equal(("ralph-copy", "Copy of ralph-copy"), (settings.Identifier, settings.Name));
        Assert.NotEqual(Guid.Parse("c800aba3-c56c-499c-a39c-66146b7d8320"), settings.Id);
        Assert.Contains("Senior designated safeguarding lead supervises", yaml, StringComparison.OrdinalIgnoreCase); // comments kept
        var admin = await app.InTenant("ralph-copy", sp => sp.GetRequiredService<AppDbContext>().Staff.AsNoTracking().SingleAsync());
        Assert.Equal(("ola@ralph-copy.example", "Ralph Thoresby School"), (admin.Email, admin.Site));

        // Exporting the copy gives back the same files, under its own folder.
        var again = Entries(await app.InTenant("ralph-copy", async sp =>
            (await sp.GetRequiredService<Configuration.ConfigurationTransfer>().ExportAsync(CancellationToken.None)).ToZip("ralph-copy")));
        var first = Entries(zip);
        Assert.Equal(first.Keys.Where(k => !k.EndsWith("tenant.yaml", StringComparison.Ordinal)).Select(k => k[(T.Length + 1)..]).Order(),
            again.Keys.Where(k => !k.EndsWith("tenant.yaml", StringComparison.Ordinal)).Select(k => k["ralph-copy".Length..][1..]).Order());

        // Its admin can go on in the browser: the editors' checks see the forms and templates it was given (it has no folder).
        var (_, editorErrors) = await app.InTenant("ralph-copy", async sp =>
        {
            var text = (await sp.GetRequiredService<AppDbContext>().WorkflowVersions.AsNoTracking().SingleAsync(v => v.WorkflowId == "supervision-overdue" && v.IsCurrent)).DefinitionText;
            return sp.GetRequiredService<WorkflowCatalog>().Check(text.Replace("Ralph", "Our", StringComparison.Ordinal), "editor", "supervision-overdue");
        });
        Assert.Empty(editorErrors);
        // A setting's name misspelt would read as none and switch reminders off in silence: the check refuses it.
        var (_, misspelt) = await app.InTenant("ralph-copy", async sp =>
        {
            var text = (await sp.GetRequiredService<AppDbContext>().WorkflowVersions.AsNoTracking().SingleAsync(v => v.WorkflowId == "session-reminder" && v.IsCurrent)).DefinitionText;
            Assert.Contains("tenant.settings.reminderDaysBefore", text, StringComparison.Ordinal);
            return sp.GetRequiredService<WorkflowCatalog>().Check(text.Replace("tenant.settings.reminderDaysBefore", "tenant.settings.reminderDayBefore", StringComparison.Ordinal), "editor", "session-reminder");
        });
        Assert.Contains(misspelt, e => e.Message.Contains("tenant.settings has no 'reminderDayBefore'", StringComparison.Ordinal));
        var templateNames = await app.InTenant("ralph-copy", sp => Task.FromResult(sp.GetRequiredService<EmailTemplateCatalog>().Names()));
        Assert.Equal(Names("emails", "*.md").Select(Path.GetFileNameWithoutExtension), templateNames);

        // Straight from the founding tenant, without a file in between.
        var copied = await CreateAsync(op, "ralph-copy-two", "copy:" + T);
        Assert.Equal(HttpStatusCode.Redirect, copied.StatusCode);
        await AssertBehavesAsAsync("ralph-copy-two");
    }

    /// <summary>Creates an item in the browser as an admin does: "create", the editor's starting text, then Publish (version 1).</summary>
    private static async Task CreateInBrowserAsync(HttpClient admin, string tenant, string kind, string id, string title, Func<string, string>? change = null)
    {
        var started = await admin.PostForm($"/{tenant}/admin/{kind}/new", new Dictionary<string, string> { ["Id"] = id, ["Title"] = title, ["From"] = "" });
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var editor = started.Headers.Location!.OriginalString;
        var html = await admin.GetStringAsync(editor);
        var field = kind == "forms" ? "Yaml" : "Text";
        var text = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, $"<textarea[^>]*name=\"{field}\"[^>]*>([^<]*)</textarea>").Groups[1].Value).TrimStart('\n');
        var url = editor[..editor.IndexOf('?', StringComparison.Ordinal)];
        var published = await admin.PostForm(url + "?handler=Publish", new Dictionary<string, string> { [field] = change?.Invoke(text) ?? text, ["Creating"] = "true" }, editor);
        Assert.True(published.StatusCode == HttpStatusCode.Redirect, await published.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_form_rule_and_template_made_in_the_browser_are_exported_and_an_import_of_the_export_recreates_them()
    {
        const string D = "devon-torbay";
        var admin = await SignedInAsync(D, "admin");
        await CreateInBrowserAsync(admin, D, "forms", "reflection-log", "Reflection log");
        await CreateInBrowserAsync(admin, D, "emails", "missed-once", "A session was missed");
        await CreateInBrowserAsync(admin, D, "workflows", "tell-on-miss", "Tell the supervisee after a miss",
            t => t.Replace("  # - id: tell-supervisor\n  #   send-email: { to: [supervisor], template: supervision-overdue }",
                "  - id: tell\n    send-email: { to: [supervisee], template: missed-once }", StringComparison.Ordinal));

        var entries = Entries(await ExportAsync(D));
        var original = await PublishedAsync(D);
        Assert.Contains("id: reflection-log", entries[$"{D}/forms/reflection-log.yaml"]);
        Assert.StartsWith("subject: A session was missed\n", entries[$"{D}/emails/missed-once.md"]);
        Assert.Contains("template: missed-once", entries[$"{D}/workflows/tell-on-miss.yaml"]);

        var op = await OperatorAsync();
        var created = await CreateAsync(op, "devon-copy", "upload", Zip(entries));
        Assert.True(created.StatusCode == HttpStatusCode.Redirect, await created.Content.ReadAsStringAsync());
        var copy = await PublishedAsync("devon-copy");
        Assert.Equal(original.FormHashes["reflection-log"], copy.FormHashes["reflection-log"]);
        Assert.Equal(original.Workflows["tell-on-miss"].ContentHash, copy.Workflows["tell-on-miss"].ContentHash);
        Assert.Equal(original.Emails["missed-once"], copy.Emails["missed-once"]);
        Assert.Equal(original.FormHashes.Keys.Order(), copy.FormHashes.Keys.Order());
        Assert.Equal(original.Workflows.Keys.Order(), copy.Workflows.Keys.Order());
        Assert.Equal(original.Emails.Keys.Order(), copy.Emails.Keys.Order());

        // The copy's rule sends the copy's template, rendered from its database (it has no folder).
        var (result, rendered) = await SimulateAsync("devon-copy", "tell-on-miss", "one-to-one", """
            until: 2026-03-31
            sessions:
              - { date: 2026-03-02, outcome: missed }
            """);
        Assert.Equal("missed-once", Assert.Single(result.Emails).Template);
        Assert.StartsWith("A session was missed\nDear ", Assert.Single(rendered));
    }

    [Fact]
    public void The_copy_s_tenant_yaml_keeps_every_line_and_drops_host_names_and_the_logo()
    {
        var id = Guid.NewGuid();
        var yaml = "# a comment\nid: 1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed  # fixed\nidentifier: oak\nname: Oak\ntheme:\n  colour: \"#1d70b8\"\n  logo: oak.png\nhosts:\n  - oak.example\nsites: [Oak]\n";
        var copy = Configuration.ConfigurationTransfer.Substitute(yaml, id, "elm", "Elm \"New\" School");
        Assert.Equal(yaml.Split('\n').Length, copy.Split('\n').Length);
        var s = TenantConfigLoader.Load(copy, "tenant.yaml").Settings!;
        Assert.Equal((id, "elm", "Elm \"New\" School"), (s.Id, s.Identifier, s.Name));
        Assert.Empty(s.Hosts);
        Assert.Null(s.Theme.Logo);
        Assert.StartsWith("# a comment\n", copy);
    }

    [Fact]
    public async Task A_zip_with_a_broken_workflow_changes_nothing_and_lists_the_error_with_file_and_line()
    {
        var entries = Entries(await ExportAsync());
        var key = $"{T}/workflows/supervision-overdue.yaml";
        var lines = entries[key].Split('\n');
        var at = Array.FindIndex(lines, l => l.Contains("template: supervision-overdue", StringComparison.Ordinal));
        Assert.True(at >= 0);
        lines[at] = lines[at].Replace("template: supervision-overdue", "template: no-such-template", StringComparison.Ordinal);
        entries[key] = string.Join('\n', lines);
        var op = await OperatorAsync();
        var (formsBefore, tenantsBefore) = await CountsAsync();

        var response = await CreateAsync(op, "ralph-broken", "upload", Zip(entries));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("nothing has been created", html);
        Assert.Contains($"workflows/supervision-overdue.yaml, line {at + 1}", html);
        Assert.Contains("no-such-template", html);

        Assert.Null(await app.Services.GetRequiredService<TenantRegistry>().FindAsync("ralph-broken"));
        Assert.Equal((formsBefore, tenantsBefore), await CountsAsync());

        // Not a zip, and a zip without tenant.yaml: refused the same way.
        var notZip = await CreateAsync(op, "ralph-broken", "upload", Encoding.UTF8.GetBytes("hello"));
        Assert.Contains("not a zip file", await notZip.Content.ReadAsStringAsync());
        var noYaml = await CreateAsync(op, "ralph-broken", "upload", Zip(new() { ["forms/x.yaml"] = "id: x" }));
        Assert.Contains("There is no tenant.yaml", await noYaml.Content.ReadAsStringAsync());
        Assert.Equal((formsBefore, tenantsBefore), await CountsAsync());
    }

    private async Task<(int Forms, int Tenants)> CountsAsync()
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        // Shared rows only: the operator's scope has no tenant, so tenant-owned tables are counted with the filter off.
        return (await db.FormVersions.IgnoreQueryFilters().CountAsync(), await db.Tenants.CountAsync());
    }

    [Fact]
    public async Task An_admin_of_another_tenant_cannot_export_ralph_thoresby_and_a_non_admin_is_forbidden()
    {
        var ascent = await SignedInAsync("ascent", "admin");
        foreach (var url in new[] { $"/{T}/admin/configuration", $"/{T}/admin/configuration?handler=Download" })
        {
            var response = await ascent.GetAsync(url);
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
            if (response.StatusCode == HttpStatusCode.Redirect)
                Assert.StartsWith($"/{T}/account/sign-in", response.Headers.Location!.OriginalString);
            else
                Assert.Contains(response.StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.NotFound });
        }
        // Their own export is ascent's only: no way to name another tenant in it.
        var own = Entries(await (await ascent.GetAsync("/ascent/admin/configuration?handler=Download")).Content.ReadAsByteArrayAsync());
        Assert.All(own.Keys, k => Assert.StartsWith("ascent/", k));
        Assert.DoesNotContain(own.Values, v => v.Contains("Ralph Thoresby", StringComparison.Ordinal));

        var lead = await SignedInAsync(T, "lead");
        Assert.Equal(HttpStatusCode.Forbidden, (await lead.GetAsync($"/{T}/admin/configuration")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await lead.GetAsync($"/{T}/admin/configuration?handler=Download")).StatusCode);
    }

    [Fact]
    public async Task Only_the_platform_operator_creates_tenants()
    {
        var admin = await SignedInAsync(T, "admin");
        var page = await admin.GetAsync("/platform/tenants/new");
        Assert.NotEqual(HttpStatusCode.OK, page.StatusCode);
        var post = await admin.PostAsync("/platform/tenants/new", new FormUrlEncodedContent(new Dictionary<string, string>
            { ["Name"] = "Sneaky", ["Identifier"] = "sneaky", ["Template"] = "copy:" + T, ["AdminName"] = "S", ["AdminEmail"] = "s@sneaky.example" }));
        Assert.False(post.StatusCode == HttpStatusCode.Redirect && post.Headers.Location?.OriginalString == "/platform");
        Assert.Null(await app.Services.GetRequiredService<TenantRegistry>().FindAsync("sneaky"));

        var op = await OperatorAsync();
        var form = await op.GetStringAsync("/platform/tenants/new");
        Assert.Contains($"value=\"copy:{T}\"", form);
        Assert.Contains("value=\"upload\"", form);
    }
}
