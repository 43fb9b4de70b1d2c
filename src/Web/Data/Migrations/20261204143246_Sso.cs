using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SupervisionHub.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Sso : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SignInSecret",
                table: "Tenants",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SignInSecret",
                table: "Tenants");
        }
    }
}
