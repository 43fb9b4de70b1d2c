namespace SupervisionHub.Web.Links;

/// <summary>
/// The service's own emails about links: what is asked, by whom, and the link. Never what a record
/// says: no child, family or case detail goes into an email.
/// </summary>
public static class LinkEmails
{
    public static string SignatureRequest(string name, string askedBy, string formTitle, DateOnly? sessionDate, string url, DateOnly expires, string organisation) =>
        $"Dear {name},\n\n{askedBy} has asked you to read and sign the {formTitle}" +
        (sessionDate is { } d ? $" for your supervision session on {d:d MMMM yyyy}" : "") + ".\n\n" +
        $"[Read and sign it]({url})\n\n" +
        "Before the record opens we will send a one-time code to this address, so that only you can read it. " +
        $"The link works until {expires:d MMMM yyyy}. You can also sign in to SupervisionHub and find it under your tasks.\n\n{organisation}\n";

    public static string Code(string name, string code) =>
        $"Dear {name},\n\nYour one-time code is **{code}**\n\n" +
        "Type it on the page that asked for it. It works once, for 10 minutes. " +
        "If you did not ask for a code, someone may have your link: you can ignore this email, and nothing will open without the code.\n";

    public static string FreshLink(string name, string what, string url, DateOnly expires) =>
        $"Dear {name},\n\nHere is a fresh link to {what}.\n\n[Open it]({url})\n\nIt works until {expires:d MMMM yyyy}. The earlier link no longer works.\n";
}
