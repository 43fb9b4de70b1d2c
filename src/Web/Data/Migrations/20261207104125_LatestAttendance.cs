using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SupervisionHub.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class LatestAttendance : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "LatestAttendance",
                columns: table => new
                {
                    TenantId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TypeId = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    StaffId = table.Column<string>(type: "TEXT", nullable: false),
                    Minutes = table.Column<int>(type: "INTEGER", nullable: false),
                    Date = table.Column<DateOnly>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LatestAttendance", x => new { x.TenantId, x.TypeId, x.StaffId, x.Minutes });
                });

            migrationBuilder.CreateIndex(
                name: "IX_LatestAttendance_TenantId",
                table: "LatestAttendance",
                column: "TenantId");

            // Kept by the database (ADR 0068): whatever writes attendance (the app, an import, a bulk load) keeps the
            // latest session of each person, type and length. 0 is MemberAttendance.Present, as stored. A present row
            // added can only move its key's date later; one that stops being present (a correction, a delete) has its
            // key worked out again from what is left. SQLite has one writer at a time, so no two of these interleave.
            const string Key = """ "TenantId" = {0}."TenantId" AND "TypeId" = {0}."TypeId" AND "StaffId" = {0}."StaffId" AND "Minutes" = {0}."Minutes" """;
            foreach (var (name, when) in new[] { ("Insert", "INSERT"), ("Update_New", "UPDATE") })
                migrationBuilder.Sql($"""
                    CREATE TRIGGER "LatestAttendance_{name}" AFTER {when} ON "SessionAttendance" WHEN NEW."Attendance" = 0
                    BEGIN
                        INSERT INTO "LatestAttendance" ("TenantId", "TypeId", "StaffId", "Minutes", "Date")
                        VALUES (NEW."TenantId", NEW."TypeId", NEW."StaffId", NEW."Minutes", NEW."Date")
                        ON CONFLICT ("TenantId", "TypeId", "StaffId", "Minutes") DO UPDATE SET "Date" = excluded."Date"
                        WHERE excluded."Date" > "LatestAttendance"."Date";
                    END;
                    """);
            foreach (var (name, when) in new[] { ("Update_Old", "UPDATE"), ("Delete", "DELETE") })
                migrationBuilder.Sql($"""
                    CREATE TRIGGER "LatestAttendance_{name}" AFTER {when} ON "SessionAttendance" WHEN OLD."Attendance" = 0
                    BEGIN
                        DELETE FROM "LatestAttendance" WHERE {string.Format(Key, "OLD")};
                        INSERT INTO "LatestAttendance" ("TenantId", "TypeId", "StaffId", "Minutes", "Date")
                        SELECT "TenantId", "TypeId", "StaffId", "Minutes", MAX("Date") FROM "SessionAttendance"
                        WHERE "Attendance" = 0 AND {string.Format(Key, "OLD")}
                        GROUP BY "TenantId", "TypeId", "StaffId", "Minutes";
                    END;
                    """);
            migrationBuilder.Sql("""
                INSERT INTO "LatestAttendance" ("TenantId", "TypeId", "StaffId", "Minutes", "Date")
                SELECT "TenantId", "TypeId", "StaffId", "Minutes", MAX("Date") FROM "SessionAttendance" WHERE "Attendance" = 0
                GROUP BY "TenantId", "TypeId", "StaffId", "Minutes";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var name in new[] { "Insert", "Update_New", "Update_Old", "Delete" })
                migrationBuilder.Sql($"DROP TRIGGER \"LatestAttendance_{name}\";");
            migrationBuilder.DropTable(
                name: "LatestAttendance");
        }
    }
}
