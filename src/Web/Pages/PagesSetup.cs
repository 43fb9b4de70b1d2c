using SupervisionHub.Web.Identity;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Pages;

/// <summary>
/// The pages: routes under a tenant's slug, who may open which folder (signed in by default; the
/// exceptions named here), and the antiforgery cookie. Registered here so Program.cs stays short.
/// </summary>
public static class PagesSetup
{
    public static IServiceCollection AddAppPages(this IServiceCollection services, IWebHostEnvironment environment)
    {
        services.AddRouting(o => o.ConstraintMap["slug"] = typeof(SlugRouteConstraint));
        services.AddRazorPages(o =>
        {
            o.Conventions.Add(new TenantRouteConvention());
            o.Conventions.AuthorizeFolder("/");
            o.Conventions.AllowAnonymousToPage("/Index");
            o.Conventions.AllowAnonymousToFolder("/Errors");
            foreach (var page in ServiceSetup.AnonymousAccountPages)
                o.Conventions.AllowAnonymousToPage("/Account/" + page);
            o.Conventions.AllowAnonymousToFolder("/Dev");
            if (!environment.IsDevelopmentLike()) o.Conventions.Add(new Dev.DevPagesRemoved());
            o.Conventions.AllowAnonymousToFolder("/Links"); // the link is the credential; see Links/LinkAccess
            o.Conventions.AllowAnonymousToPage("/Platform/SignIn");
            o.Conventions.AllowAnonymousToPage("/Platform/SignInCode"); // it reads the password step's own cookie
            o.Conventions.AuthorizeFolder("/Platform", Policies.PlatformAdmin);
            o.Conventions.AuthorizeFolder("/Staff", Policies.DirectoryReader);
            o.Conventions.AuthorizeFolder("/Email", Policies.TenantAdmin);
            o.Conventions.AuthorizeFolder("/Audit", Policies.TenantAdmin);
            o.Conventions.AuthorizeFolder("/Admin", Policies.TenantAdmin);
        }).AddMvcOptions(o => o.ModelMetadataDetailsProviders.Add(new EmptyStringsStayEmpty()));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = ".shub.af";
            if (!environment.IsDevelopment() && !environment.IsEnvironment("Testing")) o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        });
        return services;
    }
}
