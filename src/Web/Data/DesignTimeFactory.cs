using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace SupervisionHub.Web.Data;

/// <summary>
/// For `dotnet ef migrations add --context AppDbContext`: SQLite, with no tenant, which is all the model needs.
/// </summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<AppDbContext>().UseSqlite("Data Source=design.db").Options);
}

/// <summary>
/// For `dotnet ef migrations add --context PostgresAppDbContext`: adding a migration connects to no
/// server, so the connection string is a placeholder.
/// </summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresAppDbContext>
{
    public PostgresAppDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<PostgresAppDbContext>)Databases.UsePostgres(new DbContextOptionsBuilder<PostgresAppDbContext>(), "Host=localhost;Database=supervisionhub_design").Options);
}
