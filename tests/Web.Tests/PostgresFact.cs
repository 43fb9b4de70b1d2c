namespace SupervisionHub.Web.Tests;

/// <summary>
/// A test that needs a real PostgreSQL server (several processes on one database, pg_dump): it runs
/// in ./test.sh's PostgreSQL pass (SHUB_TEST_DB=postgres, SHUB_TEST_PG) and is reported skipped,
/// with the reason, in the SQLite pass, never passed without having run.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (!TestDatabase.IsPostgres)
            Skip = "Needs PostgreSQL: runs in ./test.sh's PostgreSQL pass (SHUB_TEST_DB=postgres with SHUB_TEST_PG).";
    }
}
