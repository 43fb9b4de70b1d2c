using Microsoft.AspNetCore.Mvc.ModelBinding.Metadata;

namespace SupervisionHub.Web.Pages;

/// <summary>
/// MVC turns an empty text box into null by default; pages then have to null-check every
/// string. An empty box is an empty string here, and [Required] still refuses it.
/// </summary>
public sealed class EmptyStringsStayEmpty : IDisplayMetadataProvider
{
    public void CreateDisplayMetadata(DisplayMetadataProviderContext context)
    {
        if (context.Key.ModelType == typeof(string)) context.DisplayMetadata.ConvertEmptyStringToNull = false;
    }
}
