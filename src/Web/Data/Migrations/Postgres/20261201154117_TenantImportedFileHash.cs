using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SupervisionHub.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TenantImportedFileHash : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ImportedFileHash",
                table: "Tenants",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ImportedFileHash",
                table: "Tenants");
        }
    }
}
