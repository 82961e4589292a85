using Npgsql;

namespace PrivateFl.Cluster.Tests;

/// <summary>Reads Orleans' membership table as an operator would, with SQL.</summary>
internal static class MembershipTable
{
    /// <summary>Orleans' <c>SiloStatus</c> values as stored in the <c>Status</c> column.</summary>
    public const int Active = 3;
    public const int Dead = 6;

    /// <summary>Each silo's latest row: name, port and status.</summary>
    public static async Task<IReadOnlyList<(string Name, int Port, int Status)>> ReadAsync(string connectionString, string clusterId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT SiloName, Port, Status FROM OrleansMembershipTable WHERE DeploymentId = @id ORDER BY Generation;", connection);
        command.Parameters.AddWithValue("id", clusterId);
        var rows = new List<(string, int, int)>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2)));
        }

        return rows;
    }

    /// <summary>Polls until <paramref name="done"/> holds for the rows; returns how long it took.</summary>
    public static async Task<TimeSpan> WaitUntilAsync(string connectionString, string clusterId, Func<IReadOnlyList<(string Name, int Port, int Status)>, bool> done, TimeSpan timeout, Func<string> diagnostics)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyList<(string Name, int Port, int Status)> rows = [];
        while (clock.Elapsed < timeout)
        {
            try
            {
                rows = await ReadAsync(connectionString, clusterId);
                if (done(rows))
                {
                    return clock.Elapsed;
                }
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // The first silo has not created the tables yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Membership after {timeout}: {string.Join(", ", rows.Select(r => $"{r.Name}:{r.Port}={r.Status}"))}. {diagnostics()}");
    }
}
