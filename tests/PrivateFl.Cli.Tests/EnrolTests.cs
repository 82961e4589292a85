using System.Text.Json;
using PrivateFl.ClientSdk;

namespace PrivateFl.Cli.Tests;

public sealed class EnrolTests
{
    [Fact]
    public async Task Enrol_NewKeyFile_WritesAnOwnerOnlyKeyTheSdkLoadsAndEnrolsItsPublicKey()
    {
        await using CliServer server = await CliServer.StartAsync();
        string keyFile = Path.Combine(server.Directory, "keys", "bank-01.key");

        JsonElement enrolled = (await Cli.JsonAsync(server, "enrol", "bank-01", "--key-out", keyFile)).Json();

        Assert.Equal(Path.GetFullPath(keyFile), enrolled.GetProperty("keyFile").GetString());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        using var bank = new FederatedClient(new FederatedClientOptions { ServerAddress = server.Address, ClientId = "bank-01", IdentityKeyFile = keyFile, LedgerDirectory = Path.Combine(server.Directory, "ledger") });
        JsonElement client = Assert.Single((await Cli.JsonAsync(server, "clients")).Json().GetProperty("clients").EnumerateArray());
        Assert.Equal(Convert.ToBase64String(bank.IdentityPublicKey), client.GetProperty("identityPublicKey").GetString());
        Assert.Equal(Convert.ToBase64String(bank.IdentityPublicKey), enrolled.GetProperty("client").GetProperty("identityPublicKey").GetString());
    }

    [Fact]
    public async Task Enrol_ExistingKeyFile_RefusesAndLeavesFileAndServerUntouched()
    {
        await using CliServer server = await CliServer.StartAsync();
        string keyFile = Path.Combine(server.Directory, "bank-01.key");
        await File.WriteAllTextAsync(keyFile, "an older key");

        CliResult result = await Cli.JsonAsync(server, "enrol", "bank-01", "--key-out", keyFile);

        Assert.Contains("never overwritten", result.AssertFailed(2), StringComparison.Ordinal);
        Assert.Empty(result.Output);
        Assert.Equal("an older key", await File.ReadAllTextAsync(keyFile));
        Assert.Equal(0, (await Cli.JsonAsync(server, "clients")).Json().GetProperty("clients").GetArrayLength());
    }

    [Fact]
    public async Task Enrol_IdAlreadyEnrolled_FailsWithTheReasonAndRemovesTheUnusedKeyFile()
    {
        await using CliServer server = await CliServer.StartAsync();
        await Cli.JsonAsync(server, "enrol", "bank-01", "--key-out", Path.Combine(server.Directory, "first.key"));
        string second = Path.Combine(server.Directory, "second.key");

        CliResult result = await Cli.JsonAsync(server, "enrol", "bank-01", "--key-out", second);

        Assert.Contains("AlreadyExists, CLIENT_ALREADY_ENROLLED", result.AssertFailed(1), StringComparison.Ordinal);
        Assert.False(File.Exists(second));
        Assert.True(File.Exists(Path.Combine(server.Directory, "first.key")));
    }

    [Fact]
    public async Task Revoke_EnrolledBank_IsRevokedAndItsCallsAreRefused()
    {
        await using CliServer server = await CliServer.StartAsync();
        string keyFile = Path.Combine(server.Directory, "bank-01.key");
        await Cli.JsonAsync(server, "enrol", "bank-01", "--key-out", keyFile);

        JsonElement revoked = (await Cli.JsonAsync(server, "revoke", "bank-01")).Json();

        Assert.True(revoked.GetProperty("revoked").GetBoolean());
        Assert.True(Assert.Single((await Cli.JsonAsync(server, "clients")).Json().GetProperty("clients").EnumerateArray()).GetProperty("revoked").GetBoolean());
        await Cli.JsonAsync(server, "session", "create", "s", "--template", "german-credit", "--banks", "3");
        using var bank = new FederatedClient(new FederatedClientOptions { ServerAddress = server.Address, ClientId = "bank-01", IdentityKeyFile = keyFile, LedgerDirectory = Path.Combine(server.Directory, "ledger"), MaxRetries = 0 });
        await Assert.ThrowsAsync<ClientRejectedException>(() => bank.GetSessionAsync("s"));
    }

    [Fact]
    public async Task Revoke_UnknownBank_FailsWithClientNotFound()
    {
        await using CliServer server = await CliServer.StartAsync();

        CliResult result = await Cli.TableAsync(server, "revoke", "nobody");

        Assert.Contains("CLIENT_NOT_FOUND", result.AssertFailed(1), StringComparison.Ordinal);
    }
}
