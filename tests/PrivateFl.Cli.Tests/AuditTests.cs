using System.Text.Json;

namespace PrivateFl.Cli.Tests;

/// <summary><c>privatefl audit</c> reads the server's audit log (issue 14).</summary>
public sealed class AuditTests
{
    [Fact]
    public async Task Audit_AfterAnEnrolmentAndAWrongKeyCall_ListsBothWithWhoAndOutcome()
    {
        await using CliServer server = await CliServer.StartAsync();
        string keyFile = Path.Combine(server.Directory, "keys", "bank-a.key");
        (await Cli.JsonAsync(server, "enrol", "bank-a", "--key-out", keyFile)).Json();
        CliResult wrongKey = await Cli.RunAsync(null, "clients", "--server", server.Address.ToString(), "--admin-key", "not-the-admin-key-0000");

        JsonElement log = (await Cli.JsonAsync(server, "audit", "--limit", "10")).Json();
        CliResult table = await Cli.TableAsync(server, "audit");

        Assert.NotEqual(0, wrongKey.ExitCode);
        JsonElement[] entries = [.. log.GetProperty("entries").EnumerateArray()];
        JsonElement enrol = Assert.Single(entries, e => e.GetProperty("method").GetString() == "EnrollClient");
        Assert.Equal(("admin", "OK"), (enrol.GetProperty("actor").GetString(), enrol.GetProperty("outcome").GetString()));
        Assert.StartsWith("bank-a key:", enrol.GetProperty("targetId").GetString(), StringComparison.Ordinal);
        JsonElement refused = Assert.Single(entries, e => e.GetProperty("actor").GetString() == "unauthenticated");
        Assert.Equal(("ListClients", "UNAUTHENTICATED ADMIN_KEY_INVALID"), (refused.GetProperty("method").GetString(), refused.GetProperty("outcome").GetString()));
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("EnrollClient", table.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(CliServer.AdminKey, log.GetRawText() + table.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--limit", "0", "--limit")]
    [InlineData("--since", "yesterday-ish", "--since")]
    public async Task Audit_BadOption_ExitsWithBadArgumentsNamingIt(string option, string value, string named)
    {
        CliResult result = await Cli.RunAsync(null, "audit", option, value, "--server", "http://127.0.0.1:1", "--admin-key", "x-key-long-enough-000");

        Assert.Contains(named, result.AssertFailed(2), StringComparison.Ordinal);
    }
}
