namespace PrivateFl.Tests.Postgres;

/// <summary>A fresh PostgreSQL database for one test class (<c>IClassFixture&lt;PostgresDatabase&gt;</c>), dropped after it.</summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    private PostgresTestServer? _server;

    /// <summary>Gets the connection string of the class's database.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _server = await PostgresTestServer.GetAsync();
        ConnectionString = await _server.CreateDatabaseAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null && ConnectionString.Length > 0)
        {
            await _server.DropDatabaseAsync(ConnectionString);
        }
    }
}
