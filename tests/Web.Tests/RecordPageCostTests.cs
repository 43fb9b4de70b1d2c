using System.Data.Common;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SupervisionHub.Web.Data;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Web.Tests.Supervision;

namespace SupervisionHub.Web.Tests;

/// <summary>Counts the commands and the rows read by every context while switched on (a whole request).</summary>
public sealed class RowCounter : DbCommandInterceptor
{
    private int _commands, _rows;
    public volatile bool On;
    public (int Commands, int Rows) Read => (_commands, _rows);

    public void Reset()
    {
        Interlocked.Exchange(ref _commands, 0);
        Interlocked.Exchange(ref _rows, 0);
    }

    private void Command() { if (On) Interlocked.Increment(ref _commands); }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    { Command(); return result; }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    { Command(); return ValueTask.FromResult(result); }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    { Command(); return ValueTask.FromResult(result); }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    { Command(); return ValueTask.FromResult(result); }

    public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        if (On) Interlocked.Add(ref _rows, eventData.ReadCount);
        return result;
    }
}

/// <summary>ralph-thoresby with the records tests' form (a person question, a table), every query's rows counted.</summary>
public sealed class RecordCostFactory : CopiedTenantsFactory
{
    public RowCounter Counter { get; } = new();

    public RecordCostFactory()
    {
        var forms = Path.Combine(TenantsFolder, "ralph-thoresby", "forms");
        Directory.CreateDirectory(forms);
        File.WriteAllText(Path.Combine(forms, "test-record.yaml"), RecordsFactory.FormV1);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.ConfigureAppDbContext(o => o.AddInterceptors(Counter));
            // A whole request is counted, every context: no background round may run meanwhile.
            services.Remove(services.Single(d => d.ImplementationType == typeof(SupervisionSweepService)));
            services.Remove(services.Single(d => d.ImplementationType == typeof(SupervisionHub.Web.Workflows.WorkflowWorker)));
        });
    }
}

/// <summary>
/// A record page reads what the record names, not the organisation: it took 1.6 s at 20,000 staff
/// because it listed everyone for a person question the reader could not even answer.
/// </summary>
public sealed class RecordPageCostTests(RecordCostFactory app) : IClassFixture<RecordCostFactory>
{
    private const string T = "ralph-thoresby";

    private Task AddStaffAsync(int from, int count) => app.InTenant(T, async sp =>
    {
        for (var i = from; i < from + count; i++)
            await sp.NewPersonAsync($"Costed Person {i:D3}", $"costed{i:D3}@ralph-thoresby.example", StaffRoles.Supervisee);
    });

    private async Task<(int Commands, int Rows, string Html)> ReadAsync(HttpClient client, string url)
    {
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url)).StatusCode); // warm: caches, security stamp
        app.Counter.Reset();
        app.Counter.On = true;
        try
        {
            var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            return (app.Counter.Read.Commands, app.Counter.Read.Rows, html);
        }
        finally
        {
            app.Counter.On = false;
        }
    }

    [Fact]
    public async Task Reading_a_record_reads_the_same_rows_for_5_more_staff_as_for_55_more_and_still_names_its_people()
    {
        // The supervisor writes and submits a record naming the demo supervisee.
        var supervisor = app.Browser();
        await supervisor.SignIn(T, "supervisor@ralph-thoresby.example", AppFactory.DemoPassword);
        var start = await supervisor.PostForm($"/{T}/forms?handler=Start", new Dictionary<string, string> { ["formId"] = "test-record" }, $"/{T}/forms");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var url = start.Headers.Location!.OriginalString;
        var supervisee = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().StaffIdAsync("supervisee@ralph-thoresby.example"));
        var superviseeName = await app.InTenant(T, sp => sp.GetRequiredService<AppDbContext>().Staff.Where(s => s.Id == supervisee).Select(s => s.FullName).SingleAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await supervisor.PostForm(url + "?handler=Submit", new Dictionary<string, string>
        {
            ["a.supervisee"] = supervisee,
            ["a.date.day"] = "20", ["a.date.month"] = "11", ["a.date.year"] = "2026",
            ["a.discussed"] = "Workload.",
            ["a.actions.rows"] = "0",
        }, url)).StatusCode);

        var lead = app.Browser();
        await lead.SignIn(T, "lead@ralph-thoresby.example", AppFactory.DemoPassword);
        await AddStaffAsync(0, 5);
        var few = await ReadAsync(lead, url);
        await AddStaffAsync(5, 50);
        var many = await ReadAsync(lead, url);

        Assert.Equal(few.Commands, many.Commands);
        Assert.Equal(few.Rows, many.Rows);
        Assert.Contains(superviseeName, many.Html); // the person question's answer, by name
        Assert.DoesNotContain("Costed Person", many.Html);
        Assert.DoesNotContain("Unknown person", many.Html);
    }

    [Fact]
    public async Task The_person_who_answers_a_person_question_is_still_offered_everyone()
    {
        await AddStaffAsync(100, 1);
        var supervisor = app.Browser();
        await supervisor.SignIn(T, "supervisor@ralph-thoresby.example", AppFactory.DemoPassword);
        var start = await supervisor.PostForm($"/{T}/forms?handler=Start", new Dictionary<string, string> { ["formId"] = "test-record" }, $"/{T}/forms");
        var html = await supervisor.GetStringAsync(start.Headers.Location!.OriginalString);
        Assert.Contains("Costed Person 100", html);
    }
}
