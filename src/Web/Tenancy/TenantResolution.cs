using Microsoft.AspNetCore.Mvc.ApplicationModels;

namespace SupervisionHub.Web.Tenancy;

/// <summary>
/// Prefixes every tenant page's route with /{tenant}/. Pages under /Platform and the service's
/// own start and error pages stay outside any tenant.
/// </summary>
public sealed class TenantRouteConvention : IPageRouteModelConvention
{
    public const string RouteKey = "tenant";

    public void Apply(PageRouteModel model)
    {
        if (IsOutsideTenants(model.ViewEnginePath)) return;
        foreach (var selector in model.Selectors)
        {
            var route = selector.AttributeRouteModel!;
            var template = route.Template?.TrimStart('~', '/') ?? "";
            route.Template = template.StartsWith("{" + RouteKey, StringComparison.Ordinal)
                ? template
                : AttributeRouteModel.CombineTemplates("{" + RouteKey + ":slug}", template);
        }
    }

    public static bool IsOutsideTenants(string viewEnginePath) =>
        viewEnginePath == "/Index" || viewEnginePath.StartsWith("/Platform/", StringComparison.Ordinal)
        || viewEnginePath.StartsWith("/Errors/", StringComparison.Ordinal);
}

public sealed class SlugRouteConstraint : IRouteConstraint
{
    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        values.TryGetValue(routeKey, out var v) && v is string s && TenantConfigLoader.SlugPattern().IsMatch(s)
        && !TenantConfigLoader.ReservedIdentifiers.Contains(s);
}

/// <summary>
/// Host-name resolution, as an option: a request to a tenant's own host name is given that
/// tenant's /{tenant} prefix before routing, so the rest of the pipeline has one way to resolve.
/// </summary>
public sealed class TenantHostMiddleware(RequestDelegate next, TenantRegistry registry)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (registry.FindByHost(context.Request.Host.Host) is { } tenant)
        {
            context.Items[typeof(TenantHostMiddleware)] = tenant;
            var prefix = "/" + tenant.Identifier;
            if (!context.Request.Path.StartsWithSegments(prefix, StringComparison.Ordinal)
                && !IsStaticAsset(context.Request.Path))
                context.Request.Path = prefix + context.Request.Path;
        }
        return next(context);
    }

    private static bool IsStaticAsset(PathString path) =>
        path.StartsWithSegments("/lib") || path.StartsWithSegments("/js") || path.StartsWithSegments("/css");
}

/// <summary>
/// Runs after routing and before authentication: sets the scope's tenant from the route.
/// An unknown identifier ends the request with 404 (the status page explains and lists tenants).
/// </summary>
public sealed class TenantResolutionMiddleware(RequestDelegate next, TenantRegistry registry)
{
    public async Task InvokeAsync(HttpContext context, ITenantContext tenantContext)
    {
        if (context.GetRouteValue(TenantRouteConvention.RouteKey) is string identifier)
        {
            var tenant = await registry.FindAsync(identifier, context.RequestAborted);
            var hostTenant = context.Items[typeof(TenantHostMiddleware)] as TenantInfo;
            if (tenant is null || (hostTenant is not null && hostTenant.Id != tenant.Id))
            {
                context.Items[UnknownTenantKey] = identifier;
                context.SetEndpoint(null);
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            tenantContext.Set(tenant);
        }
        await next(context);
    }

    public const string UnknownTenantKey = "SupervisionHub.UnknownTenant";
}
