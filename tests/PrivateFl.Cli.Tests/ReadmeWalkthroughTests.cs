using System.Text.RegularExpressions;

namespace PrivateFl.Cli.Tests;

/// <summary>The <c>privatefl</c> command lines of the README's walkthrough, as written, run against a real server.</summary>
public sealed partial class ReadmeWalkthroughTests
{
    [Fact]
    public async Task ReadmeWalkthrough_EveryCliCommandLine_Succeeds()
    {
        IReadOnlyList<string> lines = CliLines();
        Assert.Contains(lines, l => l.StartsWith("privatefl session create german-credit --schema data/schemas/german-credit.json", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("privatefl models export", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("privatefl session create taiwan --schema data/schemas/taiwan-credit.json", StringComparison.Ordinal));
        await using CliServer server = await CliServer.StartAsync();
        var environment = new Dictionary<string, string> { ["PRIVATEFL_SERVER"] = server.Address.ToString(), ["PRIVATEFL_ADMIN_KEY"] = CliServer.AdminKey };

        foreach (string line in lines)
        {
            // The README runs from the repository root: its relative paths go to this test's folders instead.
            string[] args = [.. line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(a => a
                .Replace("keys/", Path.Combine(server.Directory, "keys") + "/", StringComparison.Ordinal)
                .Replace("data/", Path.Combine(AppContext.BaseDirectory, "data") + "/", StringComparison.Ordinal))];
            for (int i = 1; i < args.Length; i++)
            {
                if (args[i - 1] is "--scorecard" or "--model-card")
                {
                    args[i] = Path.Combine(server.Directory, args[i]);
                }
            }

            CliResult result = await Cli.RunAsync(environment, args);

            Assert.True(result.ExitCode == 0, $"{line}: {result.Error}");
        }

        Assert.True(File.Exists(Path.Combine(server.Directory, "scorecard.csv")));
        Assert.True(File.Exists(Path.Combine(server.Directory, "taiwan-scorecard.csv")));
    }

    /// <summary>The walkthrough's privatefl command lines in order, continuation lines joined and the enrol loop unrolled.</summary>
    private static List<string> CliLines()
    {
        string readme = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "README.md"));
        int start = readme.IndexOf("## Running the server and a bank's REST host as separate processes", StringComparison.Ordinal);
        int end = readme.IndexOf("### The admin CLI", start, StringComparison.Ordinal);
        string section = readme[start..end].Replace("\\\n", " ", StringComparison.Ordinal);
        var lines = new List<string>();
        foreach (string raw in section.Split('\n'))
        {
            string line = Regex.Replace(raw.Trim(), " +", " ");
            if (EnrolLoop().Match(line) is { Success: true } loop)
            {
                lines.AddRange(loop.Groups["banks"].Value.Split(' ').Select(bank => loop.Groups["command"].Value.Replace("$bank", bank, StringComparison.Ordinal)));
            }
            else if (line.StartsWith("privatefl ", StringComparison.Ordinal))
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    [GeneratedRegex(@"^for bank in (?<banks>[\w -]+); do (?<command>privatefl [^;]+); done$")]
    private static partial Regex EnrolLoop();
}
