using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SupervisionHub.Web.Data.Migrations.Postgres
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
                    TenantId = table.Column<Guid>(type: "uuid", nullable: false),
                    TypeId = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    StaffId = table.Column<string>(type: "text", nullable: false),
                    Minutes = table.Column<int>(type: "integer", nullable: false),
                    Date = table.Column<DateOnly>(type: "date", nullable: false)
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
            // added can only move its key's date later (an upsert keeping the later date, which locks the key's row).
            // One that stops being present (a correction, a delete) has its key worked out again from what is left,
            // after locking the key's row (it has one: it had a present session): writes of the key then take turns,
            // and the statements after the lock read what the others committed (read committed: a snapshot each).
            migrationBuilder.Sql("""
                CREATE FUNCTION "LatestAttendance_Keep"() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    latest date;
                BEGIN
                    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD."Attendance" = 0 THEN
                        PERFORM 1 FROM "LatestAttendance" WHERE "TenantId" = OLD."TenantId" AND "TypeId" = OLD."TypeId"
                            AND "StaffId" = OLD."StaffId" AND "Minutes" = OLD."Minutes" FOR UPDATE;
                        SELECT MAX("Date") INTO latest FROM "SessionAttendance" WHERE "TenantId" = OLD."TenantId" AND "Attendance" = 0
                            AND "TypeId" = OLD."TypeId" AND "StaffId" = OLD."StaffId" AND "Minutes" = OLD."Minutes";
                        IF latest IS NULL THEN
                            DELETE FROM "LatestAttendance" WHERE "TenantId" = OLD."TenantId" AND "TypeId" = OLD."TypeId"
                                AND "StaffId" = OLD."StaffId" AND "Minutes" = OLD."Minutes";
                        ELSE
                            INSERT INTO "LatestAttendance" ("TenantId", "TypeId", "StaffId", "Minutes", "Date")
                            VALUES (OLD."TenantId", OLD."TypeId", OLD."StaffId", OLD."Minutes", latest)
                            ON CONFLICT ("TenantId", "TypeId", "StaffId", "Minutes") DO UPDATE SET "Date" = EXCLUDED."Date";
                        END IF;
                    END IF;
                    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW."Attendance" = 0 THEN
                        INSERT INTO "LatestAttendance" ("TenantId", "TypeId", "StaffId", "Minutes", "Date")
                        VALUES (NEW."TenantId", NEW."TypeId", NEW."StaffId", NEW."Minutes", NEW."Date")
                        ON CONFLICT ("TenantId", "TypeId", "StaffId", "Minutes") DO UPDATE SET "Date" = EXCLUDED."Date"
                        WHERE EXCLUDED."Date" > "LatestAttendance"."Date";
                    END IF;
                    RETURN NULL;
                END
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "LatestAttendance_Keep" AFTER INSERT OR UPDATE OR DELETE ON "SessionAttendance"
                FOR EACH ROW EXECUTE FUNCTION "LatestAttendance_Keep"();
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
            migrationBuilder.Sql("DROP TRIGGER \"LatestAttendance_Keep\" ON \"SessionAttendance\";");
            migrationBuilder.Sql("DROP FUNCTION \"LatestAttendance_Keep\"();");
            migrationBuilder.DropTable(
                name: "LatestAttendance");
        }
    }
}
