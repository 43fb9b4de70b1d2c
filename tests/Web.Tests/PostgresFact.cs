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

/// <summary>
/// A test of something only SQLite has (its statistics table): it runs in the SQLite pass and is
/// reported skipped, with the reason, in the PostgreSQL pass, never passed without having run.
/// </summary>
public sealed class SqliteFactAttribute : FactAttribute
{
    public SqliteFactAttribute()
    {
        if (TestDatabase.IsPostgres)
            Skip = "About SQLite's own statistics: runs in ./test.sh's SQLite pass.";
    }
}
