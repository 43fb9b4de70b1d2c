using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SupervisionHub.Web.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Edge : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "FailedSignIns",
                table: "PlatformAdmins",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "LockedUntil",
                table: "PlatformAdmins",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "TotpEnrolledAt",
                table: "PlatformAdmins",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TotpKey",
                table: "PlatformAdmins",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "TotpLastStep",
                table: "PlatformAdmins",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "FailedSignIns",
                table: "PlatformAdmins");

            migrationBuilder.DropColumn(
                name: "LockedUntil",
                table: "PlatformAdmins");

            migrationBuilder.DropColumn(
                name: "TotpEnrolledAt",
                table: "PlatformAdmins");

            migrationBuilder.DropColumn(
                name: "TotpKey",
                table: "PlatformAdmins");

            migrationBuilder.DropColumn(
                name: "TotpLastStep",
                table: "PlatformAdmins");
        }
    }
}
