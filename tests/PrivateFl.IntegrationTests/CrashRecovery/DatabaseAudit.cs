using Microsoft.Data.Sqlite;

namespace PrivateFl.IntegrationTests.CrashRecovery;

/// <summary>
/// Reads the server's SQLite file directly (while the server is down) and lists every way it breaks the storage
/// promise of specs/api.md: the file is intact, model versions are 0 … v with no gap, and each version after 0 has
/// its COMPLETED round record (naming that version) and its privacy-ledger entry, and nothing else claims a version.
/// </summary>
internal static class DatabaseAudit
{
    public static (long LatestVersion, List<string> Problems) Check(string databasePath, string sessionId)
    {
        var problems = new List<string>();
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        connection.Open();
        string integrity = string.Join("; ", Query(connection, "PRAGMA integrity_check;", r => r.GetString(0)));
        if (integrity != "ok")
        {
            problems.Add($"PRAGMA integrity_check: {integrity}");
        }

        List<(long Version, long Round)> versions = Query(connection, "SELECT version, round_number FROM model_versions WHERE session_id = $s ORDER BY version;", r => (r.GetInt64(0), r.GetInt64(1)), sessionId);
        for (int i = 0; i < versions.Count; i++)
        {
            if (versions[i].Version != i)
            {
                problems.Add($"model versions are not contiguous: position {i} holds version {versions[i].Version} ({string.Join(",", versions.Select(v => v.Version))}).");
                break;
            }
        }

        // Outcomes are stored as RoundOutcomeKind's numbers (schema migration 4).
        Dictionary<long, (PrivateFl.Server.Storage.RoundOutcomeKind Outcome, long? Version)> rounds = Query(connection, "SELECT round_number, outcome, model_version FROM rounds WHERE session_id = $s;", r => (r.GetInt64(0), (PrivateFl.Server.Storage.RoundOutcomeKind)r.GetInt64(1), r.IsDBNull(2) ? (long?)null : r.GetInt64(2)), sessionId)
            .ToDictionary(r => r.Item1, r => (r.Item2, r.Item3));
        HashSet<long> ledger = [.. Query(connection, "SELECT round_number FROM privacy_ledger WHERE session_id = $s;", r => r.GetInt64(0), sessionId)];
        foreach ((long version, long round) in versions.Where(v => v.Version > 0))
        {
            if (!rounds.TryGetValue(round, out var record) || record.Outcome != PrivateFl.Server.Storage.RoundOutcomeKind.Completed || record.Version != version)
            {
                problems.Add($"model version {version} (round {round}) has no COMPLETED round record naming it.");
            }

            if (!ledger.Contains(round))
            {
                problems.Add($"model version {version} (round {round}) has no privacy-ledger entry.");
            }
        }

        HashSet<long> versionRounds = [.. versions.Select(v => v.Round)];
        foreach ((long round, (PrivateFl.Server.Storage.RoundOutcomeKind outcome, long? version)) in rounds.Where(r => r.Value.Outcome == PrivateFl.Server.Storage.RoundOutcomeKind.Completed && !versionRounds.Contains(r.Key)))
        {
            problems.Add($"round {round} is {outcome} with version {version}, but that model version does not exist.");
        }

        return (versions.Count == 0 ? -1 : versions[^1].Version, problems);
    }

    private static List<T> Query<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> read, string? sessionId = null)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        if (sessionId is not null)
        {
            command.Parameters.AddWithValue("$s", sessionId);
        }

        using SqliteDataReader reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
