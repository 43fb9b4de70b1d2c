using System.Text.Json.Nodes;
using SupervisionHub.Forms.Definitions;
using SupervisionHub.Forms.Submissions;

namespace SupervisionHub.Forms.Tests;

/// <summary>Every form of every founding tenant, loaded from tenants/&lt;slug&gt;/forms/ as the service loads it.</summary>
public sealed class FoundingFormsTests
{
    private static readonly string[] Tenants = ["river-tees", "ascent", "mse-icb", "devon-torbay", "ralph-thoresby"];

    public static string RepositoryRoot() => Root();

    private static string Root()
    {
        // The repository's root (tests/ has a tenants folder of its own: the test tenant).
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SupervisionHub.sln"))) return dir.FullName;
        throw new InvalidOperationException("No repository root above the test binaries.");
    }

    public static TheoryData<string> TenantNames => [.. Tenants];

    private static IReadOnlyList<FormLoadResult> Load(string tenant) =>
        FormLoader.LoadFolder(Path.Combine(Root(), "tenants", tenant, "forms"), Root());

    [Theory]
    [MemberData(nameof(TenantNames))]
    public void Every_founding_form_loads_without_errors(string tenant)
    {
        var results = Load(tenant);
        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.True(r.IsValid, string.Join("\n", r.Errors)));
    }

    [Fact]
    public void The_catalogue_of_forms_is_complete()
    {
        var expected = new Dictionary<string, string[]>
        {
            ["river-tees"] = ["one-to-one-contract", "audit-tool", "group-contract", "supervision-record", "clinical-supervision-contract"],
            ["ascent"] = ["contract", "supervision-record", "case-proforma", "trained-staff-register"],
            ["mse-icb"] = ["contract", "one-to-one-record", "group-record", "supervisor-guidance-tool", "evaluation"],
            // Beyond the appendices: devon-torbay's session record (R4 asks sessions to be recorded,
            // with no template) and the forms its rules act on (R6 here, ralph-thoresby's R5).
            ["devon-torbay"] = ["practitioner-agreement", "supervisor-competency-framework", "session-record", "supervision-concern"],
            ["ralph-thoresby"] = ["contract", "supervision-record", "self-care-plan", "four-functions", "supervision-difficulty"],
        };
        foreach (var (tenant, ids) in expected)
            Assert.Equal(ids.Order(), Load(tenant).Select(r => r.Definition!.Id).Order());
    }

    [Theory]
    [MemberData(nameof(TenantNames))]
    public void A_complete_submission_is_accepted_and_an_empty_one_names_every_missing_answer(string tenant)
    {
        var context = new ValidationContext(SampleAnswers.Today, ValidationContext.Everyone, Submitting: true, MemberId: SampleAnswers.Member);
        foreach (var form in Load(tenant).Select(r => r.Definition!).Where(f => f.Purpose != FormPurpose.Guidance))
        {
            var valid = SampleAnswers.ValidFor(form);
            var errors = SubmissionValidator.Validate(form, valid, context);
            Assert.True(errors.Count == 0, $"{tenant}/{form.Id}: {string.Join("; ", errors.Select(e => $"{e.Path}: {e.Message}"))}");

            var empty = SubmissionValidator.Validate(form, new JsonObject(), context);
            var required = form.Fields.Where(f => f.HoldsAnswer && f.Type != FieldType.Signature && f.ShowWhen is null
                                                  && (f.Required || f.MinRows > 0)).Select(f => f.Id);
            Assert.Equal(required.Order(), empty.Select(e => e.Path).Order());
            Assert.All(empty, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
        }
    }

    [Fact]
    public void Case_details_are_asked_for_by_reference_never_by_name()
    {
        foreach (var tenant in Tenants)
            foreach (var field in Load(tenant).SelectMany(r => r.Definition!.Fields.SelectMany(f => f.Columns.Prepend(f))))
                Assert.DoesNotMatch("(?i)child'?s name|name of (the )?child|pupil name|young person's name", field.Label);
    }
}
