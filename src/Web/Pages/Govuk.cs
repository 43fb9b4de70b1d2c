using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace SupervisionHub.Web.Pages;

/// <summary>GOV.UK Frontend error patterns, read from ModelState, so every form shows errors the same way.</summary>
public static class Govuk
{
    /// <summary>The tag colour for a record's status: grey draft, yellow waiting for signatures, green signed.</summary>
    public static string StatusTag(SupervisionHub.Web.Records.SubmissionStatus status) => status switch
    {
        SupervisionHub.Web.Records.SubmissionStatus.Draft => "govuk-tag govuk-tag--grey",
        SupervisionHub.Web.Records.SubmissionStatus.Submitted => "govuk-tag govuk-tag--yellow",
        _ => "govuk-tag govuk-tag--green",
    };

    public static string Id(string key) => key.Replace('.', '_').Replace('[', '_').Replace(']', '_');

    public static bool HasError(ModelStateDictionary state, string key) =>
        state.TryGetValue(key, out var entry) && entry.Errors.Count > 0;

    public static string Group(ModelStateDictionary state, string key) =>
        HasError(state, key) ? "govuk-form-group govuk-form-group--error" : "govuk-form-group";

    public static string Input(ModelStateDictionary state, string key, string css = "govuk-input") =>
        HasError(state, key) ? $"{css} {css.Split(' ')[0]}--error" : css;

    /// <summary>aria-describedby for a field: its hint (if any) and its error (if any).</summary>
    public static string? DescribedBy(ModelStateDictionary state, string key, bool hasHint = false)
    {
        var ids = new List<string>();
        if (hasHint) ids.Add(Id(key) + "-hint");
        if (HasError(state, key)) ids.Add(Id(key) + "-error");
        return ids.Count == 0 ? null : string.Join(' ', ids);
    }

    public static IHtmlContent Error(ModelStateDictionary state, string key)
    {
        if (!state.TryGetValue(key, out var entry) || entry.Errors.Count == 0) return HtmlString.Empty;
        var message = HtmlEncoder.Default.Encode(entry.Errors[0].ErrorMessage);
        return new HtmlString($"<p id=\"{Id(key)}-error\" class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:</span> {message}</p>");
    }
}
