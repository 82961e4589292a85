namespace PrivateFl.Cli.Tests;

public sealed class HelpTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("enrol", "--help")]
    [InlineData("revoke", "--help")]
    [InlineData("clients", "--help")]
    [InlineData("session", "create", "--help")]
    [InlineData("session", "show", "--help")]
    [InlineData("sessions", "--help")]
    [InlineData("rounds", "--help")]
    [InlineData("ledger", "--help")]
    [InlineData("models", "list", "--help")]
    [InlineData("models", "download", "--help")]
    [InlineData("models", "export", "--help")]
    [InlineData("health", "--help")]
    public async Task Help_EveryCommand_PrintsItsOptionsAndExitsZero(params string[] args)
    {
        CliResult result = await Cli.RunAsync(null, args);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Empty(result.Error);
        Assert.Contains(args.Length == 1 ? "COMMANDS" : "--server <URL>", result.Output, StringComparison.Ordinal);
    }
}
