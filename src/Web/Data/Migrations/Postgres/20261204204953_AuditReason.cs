using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SupervisionHub.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditReason : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Reason",
                table: "AuditEntries",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Reason",
                table: "AuditEntries");
        }
    }
}
