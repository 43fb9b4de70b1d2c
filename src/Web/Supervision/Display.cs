using SupervisionHub.Workflows.Supervision;

namespace SupervisionHub.Web.Supervision;

/// <summary>How statuses read and look, in one place: the same words and tag colours on every page.</summary>
public static class Display
{
    public static string Compliance(ComplianceState s) => s switch
    {
        ComplianceState.OnTrack => "On track",
        ComplianceState.DueSoon => "Due soon",
        ComplianceState.Overdue => "Overdue",
        ComplianceState.NotRequired => "Not required",
        _ => "Unknown",
    };

    public static string ComplianceTag(ComplianceState s) => s switch
    {
        ComplianceState.OnTrack => "govuk-tag govuk-tag--green",
        ComplianceState.DueSoon => "govuk-tag govuk-tag--yellow",
        ComplianceState.Overdue => "govuk-tag govuk-tag--red",
        _ => "govuk-tag govuk-tag--grey",
    };

    public static string Agreement(AgreementState s) => s switch
    {
        AgreementState.Signed => "Signed",
        AgreementState.AwaitingSignatures => "Awaiting signatures",
        AgreementState.ReviewDue => "Review due",
        _ => "No agreement",
    };

    public static string AgreementTag(AgreementState s) => s switch
    {
        AgreementState.Signed => "govuk-tag govuk-tag--green",
        AgreementState.AwaitingSignatures => "govuk-tag govuk-tag--yellow",
        _ => "govuk-tag govuk-tag--red",
    };

    public static string Session(SessionStatus s) => s switch
    {
        SessionStatus.Booked => "Booked",
        SessionStatus.Attended => "Attended",
        SessionStatus.DidNotAttend => "Did not attend",
        SessionStatus.CancelledBySupervisee => "Cancelled by the supervisee",
        _ => "Cancelled by the supervisor",
    };

    public static string SessionTag(SessionStatus s) => s switch
    {
        SessionStatus.Booked => "govuk-tag govuk-tag--blue",
        SessionStatus.Attended => "govuk-tag govuk-tag--green",
        SessionStatus.DidNotAttend => "govuk-tag govuk-tag--red",
        _ => "govuk-tag govuk-tag--grey",
    };

    public static string Attendance(MemberAttendance a) => a switch
    {
        MemberAttendance.Present => "Present",
        MemberAttendance.Apologies => "Apologies",
        _ => "Absent",
    };

    public static string Date(DateOnly? d) => d?.ToString("d MMM yyyy") ?? "None";

    /// <summary>"A", "A and B", "A, B and C": names in a sentence.</summary>
    public static string List(IReadOnlyList<string> items) => items.Count switch
    {
        0 => "",
        1 => items[0],
        _ => string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1],
    };
}
