using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SupervisionHub.Web.Data.Migrations
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
                type: "TEXT",
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
