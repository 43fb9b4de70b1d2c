using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using SupervisionHub.Web.Tenancy;

namespace SupervisionHub.Web.Data;

/// <summary>For `dotnet ef migrations add`: a context with no tenant, which is all the model needs.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<AppDbContext>().UseSqlite("Data Source=design.db").Options, new TenantContext());
}
