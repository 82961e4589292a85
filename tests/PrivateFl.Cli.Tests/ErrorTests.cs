using System.Text.Json;

namespace PrivateFl.Cli.Tests;

/// <summary>Every failure is a non-zero exit code and one line on standard error that says what is wrong, never the admin key.</summary>
public sealed class ErrorTests
{
    [Fact]
    public async Task AnyCommand_WrongAdminKey_ExitsOneNamingTheReasonWithoutPrintingTheKey()
    {
        await using CliServer server = await CliServer.StartAsync();
        const string wrongKey = "a-wrong-admin-key-that-must-not-be-printed";

        CliResult result = await Cli.RunAsync(null, "sessions", "--server", server.Address.ToString(), "--admin-key", wrongKey, "--format", "json");

        string line = result.AssertFailed(1);
        Assert.Contains("ADMIN_KEY_INVALID", line, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, result.Error + result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ParseError_QuotingTheAdminKey_RedactsIt()
    {
        const string key = "secret-admin-key-0123456789";

        CliResult result = await Cli.RunAsync(null, "sessions", "--admin-key=" + key, key);

        result.AssertFailed(2);
        Assert.DoesNotContain(key, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCommand_NoServerListening_ExitsThreeSayingItCannotReachIt()
    {
        int port = FreePort();

        CliResult result = await Cli.RunAsync(null, "clients", "--server", $"http://127.0.0.1:{port}", "--admin-key", CliServer.AdminKey);

        Assert.Contains($"Cannot reach the server at http://127.0.0.1:{port}/", result.AssertFailed(3), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sessions", "--format", "xml")]
    [InlineData("sessions", "--no-such-option")]
    [InlineData("enrol", "bank-01")]
    [InlineData("session", "create", "--banks", "3")]
    [InlineData("session", "create", "--template", "german-credit", "--banks", "2")]
    [InlineData("session", "create", "--template", "german-credit", "--schema", "x.json")]
    [InlineData("models", "export", "s")]
    [InlineData("sessions", "--server", "ftp://example.net")]
    [InlineData("sessions", "--server", "http://fl.example.net")]
    [InlineData("sessions", "--server", "http://127.0.0.1:5080", "--pin-sha256", "0011")]
    [InlineData("no-such-command")]
    public async Task BadArguments_ExitTwoWithOneLine(params string[] args)
    {
        CliResult result = await Cli.RunAsync(null, [.. args, "--admin-key", CliServer.AdminKey]);

        result.AssertFailed(2);
    }

    [Fact]
    public async Task AdminCommand_NoAdminKey_ExitsTwoNamingTheOptionAndVariable()
    {
        await using CliServer server = await CliServer.StartAsync();

        CliResult result = await Cli.RunAsync(null, "clients", "--server", server.Address.ToString());

        Assert.Contains("--admin-key or set PRIVATEFL_ADMIN_KEY", result.AssertFailed(2), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_FromEnvironmentVariables_AreUsedWhenNoOptionIsGiven()
    {
        await using CliServer server = await CliServer.StartAsync();
        var environment = new Dictionary<string, string> { ["PRIVATEFL_SERVER"] = server.Address.ToString(), ["PRIVATEFL_ADMIN_KEY"] = CliServer.AdminKey };

        CliResult result = await Cli.RunAsync(environment, "clients", "--format", "json");

        Assert.Equal(0, result.Json().GetProperty("clients").GetArrayLength());
    }

    [Fact]
    public async Task SessionShow_UnknownSession_ExitsOneWithSessionNotFound()
    {
        await using CliServer server = await CliServer.StartAsync();

        CliResult result = await Cli.JsonAsync(server, "session", "show", "nope");

        Assert.Contains("SESSION_NOT_FOUND", result.AssertFailed(1), StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }

    [Fact]
    public async Task SessionCreate_ServerRefusesAField_ExitsOneNamingTheField()
    {
        await using CliServer server = await CliServer.StartAsync();

        CliResult result = await Cli.JsonAsync(server, "session", "create", "s", "--template", "german-credit", "--banks", "3", "--delta", "0.5");

        string line = result.AssertFailed(1);
        Assert.StartsWith("privatefl: The server refused the call (InvalidArgument, INVALID_REQUEST): privacy.delta must be in (0, 1/n)", line, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(line, "privacy.delta"));
    }

    [Fact]
    public async Task SessionCreate_InvalidSchemaFile_ExitsTwoNamingTheFile()
    {
        await using CliServer server = await CliServer.StartAsync();
        string schema = Path.Combine(server.Directory, "bad.json");
        await File.WriteAllTextAsync(schema, "{\"name\": \"x\"}");

        CliResult result = await Cli.JsonAsync(server, "session", "create", "--schema", schema, "--banks", "3", "--batch-size", "10");

        Assert.Contains($"--schema '{schema}' is not a valid schema", result.AssertFailed(2), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionCreate_CustomSchemaWithoutBatchSize_ExitsTwoAskingForIt()
    {
        await using CliServer server = await CliServer.StartAsync();
        string schema = Path.Combine(server.Directory, "renamed.json");
        await File.WriteAllTextAsync(schema, PrivateFl.ClientSdk.CreditSchemas.GermanCredit.ToJson().Replace("\"german-credit\"", "\"my-bank-schema\"", StringComparison.Ordinal));

        CliResult result = await Cli.JsonAsync(server, "session", "create", "--schema", schema, "--banks", "3");

        Assert.Contains("--batch-size is required", result.AssertFailed(2), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelsDownload_NoBankIdentity_ExitsTwoNamingTheOptions()
    {
        await using CliServer server = await CliServer.StartAsync();

        CliResult result = await Cli.JsonAsync(server, "models", "download", "s");

        Assert.Contains("--client-id and --identity-key", result.AssertFailed(2), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelsDownload_KeyFileNotAKey_ExitsTwoNamingTheOption()
    {
        await using CliServer server = await CliServer.StartAsync();
        string notAKey = Path.Combine(server.Directory, "not-a-key");
        await File.WriteAllTextAsync(notAKey, "hello");

        CliResult result = await Cli.JsonAsync(server, "models", "download", "s", "--client-id", "bank-01", "--identity-key", notAKey);

        Assert.Contains($"--identity-key (PRIVATEFL_IDENTITY_KEY) '{notAKey}' must hold a 32-byte Ed25519 private key", result.AssertFailed(2), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_RunningServer_ReportsReachableAndTheAdminCall()
    {
        await using CliServer server = await CliServer.StartAsync();

        JsonElement health = (await Cli.JsonAsync(server, "health")).Json();

        Assert.True(health.GetProperty("reachable").GetBoolean());
        Assert.Contains(health.GetProperty("grpcHealth").GetString(), new[] { "SERVING", "not served" });
        Assert.Equal("ok (0 sessions)", health.GetProperty("admin").GetString());
    }

    [Fact]
    public async Task Health_NoServer_ExitsThree()
    {
        CliResult result = await Cli.RunAsync(null, "health", "--server", $"http://127.0.0.1:{FreePort()}");

        result.AssertFailed(3);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
