using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace SupervisionHub.Web.Tests.Admin;

/// <summary>Posts a builder page as a browser would: every field of its form as drawn, changed by the test, with the button pressed.</summary>
public static class BuilderPages
{
    public static IHtmlDocument Parse(string html) => new HtmlParser().ParseDocument(html);

    /// <summary>What the browser would send for the form: text, hidden, ticked boxes, chosen options, text areas (the button aside).</summary>
    public static List<KeyValuePair<string, string>> Fields(IHtmlDocument page, string formId)
    {
        var form = page.GetElementById(formId) as IHtmlFormElement ?? throw new InvalidOperationException($"No form #{formId} on the page.");
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var element in form.Elements)
        {
            switch (element)
            {
                case IHtmlInputElement input when !string.IsNullOrEmpty(input.Name):
                    if (input.Type is "checkbox" or "radio" && !input.IsChecked) break;
                    if (input.Type is "submit" or "button") break;
                    fields.Add(new(input.Name!, input.Value));
                    break;
                case IHtmlSelectElement select when !string.IsNullOrEmpty(select.Name):
                    var chosen = select.Options.FirstOrDefault(o => o.IsSelected) ?? (select.Options.Length > 0 ? select.Options[0] : null);
                    if (chosen is not null) fields.Add(new(select.Name!, chosen.Value));
                    break;
                case IHtmlTextAreaElement area when !string.IsNullOrEmpty(area.Name):
                    fields.Add(new(area.Name!, area.Value));
                    break;
            }
        }
        return fields;
    }

    public static void Set(this List<KeyValuePair<string, string>> fields, string name, string value)
    {
        var i = fields.FindIndex(f => f.Key == name);
        if (i < 0) throw new InvalidOperationException($"No field {name} on the page.");
        fields[i] = new(name, value);
    }

    public static void Tick(this List<KeyValuePair<string, string>> fields, string name, string value)
    {
        fields.RemoveAll(f => f.Key == name && f.Value != "false");
        fields.Insert(0, new(name, value));
    }

    public static async Task<(HttpResponseMessage Response, IHtmlDocument Page)> Press(this HttpClient client, string url, List<KeyValuePair<string, string>> fields, string? op = null)
    {
        var token = fields.FirstOrDefault(f => f.Key == "__RequestVerificationToken").Value;
        var body = fields.Where(f => f.Key != "op").ToList();
        if (op is not null) body.Add(new("op", op));
        var response = await client.PostAsync(url, new FormUrlEncodedContent(body));
        var text = await response.Content.ReadAsStringAsync();
        if (Environment.GetEnvironmentVariable("BUILDER_DEBUG") is { } dump) await File.WriteAllTextAsync(dump, $"{(int)response.StatusCode} {body.Count} {body.Any(b => b.Key == "__RequestVerificationToken")}\n{text}");
        return (response, Parse(response.StatusCode == HttpStatusCode.OK ? text : ""));
    }
}
