using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SupervisionHub.Web.Staff;
using SupervisionHub.Web.Supervision;
using SupervisionHub.Workflows.Supervision;

namespace SupervisionHub.Web.Pages.Supervision;

/// <summary>Everyone's supervision status for safeguarding leads, admins and auditors, filtered by site, type and status.</summary>
public sealed class IndexModel(UserManager<StaffMember> users, ComplianceService compliance) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Site { get; set; }
    [BindProperty(SupportsGet = true)] public string? Type { get; set; }
    [BindProperty(SupportsGet = true)] public string? State { get; set; }
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    /// <summary>A page of rows: a trust of thousands is counted in full, but listed a hundred at a time.</summary>
    public const int PageSize = 100;
    public IReadOnlyList<SuperviseeStatus> PageRows { get; private set; } = [];
    public int Pages => Math.Max(1, (Shown.Count + PageSize - 1) / PageSize);

    public IReadOnlyList<SuperviseeStatus> All { get; private set; } = [];
    public IReadOnlyList<SuperviseeStatus> Shown { get; private set; } = [];
    public bool CanManage { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var me = await users.GetUserAsync(User);
        if (me is null) return Challenge();
        if (!SupervisionAccess.CanSeeEveryone(me)) return StatusCode(StatusCodes.Status403Forbidden);
        CanManage = SupervisionAccess.CanManage(me);
        All = await compliance.EveryoneAsync(ct);
        Shown = All.Where(s => (string.IsNullOrEmpty(Site) || s.Site == Site)
                               && (string.IsNullOrEmpty(Type) || s.TypeId == Type)
                               && (string.IsNullOrEmpty(State) || s.Compliance.State.ToString() == State || State == "NoAgreement" && s.Agreement is AgreementState.None or AgreementState.AwaitingSignatures or AgreementState.ReviewDue))
            .ToList();
        PageNumber = Math.Clamp(PageNumber, 1, Pages);
        PageRows = Shown.Skip((PageNumber - 1) * PageSize).Take(PageSize).ToList();
        return Page();
    }

    public int Count(ComplianceState state) => Shown.Count(s => s.Compliance.State == state);

    public string PageLink(int page) =>
        QueryString.Create(new Dictionary<string, string?> { ["Site"] = Site, ["Type"] = Type, ["State"] = State, ["p"] = page.ToString() }).ToString();
}
