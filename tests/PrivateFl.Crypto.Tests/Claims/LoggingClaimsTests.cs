using System.Text.RegularExpressions;

namespace PrivateFl.Crypto.Tests.Claims;

/// <summary>
/// SECURITY.md "Log messages are source-generated with fixed fields (ids, counts, stages, reasons)": no code in src/
/// logs through the ILogger extension methods or a hand-written template, and every source-generated message has only
/// placeholders from the reviewed list of public fields (the runtime side is ServerStorageClaimsTests in the
/// integration tests, which scans every log line of real rounds for the round's secrets).
/// </summary>
public sealed partial class LoggingClaimsTests
{
    private static readonly HashSet<string> PublicFields =
    [
        "SessionId", "RoundNumber", "Reason", "Method", "ClientId", "JobId", "Stage", "ModelVersion", "Rounds", "Participants",
        "Included", "Count", "Violation", "Version", "Threshold", "SqliteError", "Rows", "Received", "Problem", "Path",
        "Misbehaviour", "LocalAddress", "Kind", "Epsilon", "DelayMs", "Degree", "Dataset", "Budget", "Attempt", "Alive", "Clients", "Cohort",

        // A front end is a silo's address and an epoch a round's random id: both are public to every silo of the cluster.
        "FrontEnd", "FrontEnds", "Epoch",
    ];

    [Fact]
    public void Sources_EveryLogCall_IsSourceGeneratedWithPublicFieldsOnly()
    {
        string src = Path.Combine(RepositoryRoot(), "src");
        var files = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(files);
        var handWritten = new List<string>();
        var placeholders = new SortedSet<string>();
        int generated = 0;

        foreach (string file in files)
        {
            string text = File.ReadAllText(file);
            handWritten.AddRange(HandWrittenLogCall().Matches(text).Select(m => $"{Path.GetFileName(file)}: {m.Value}"));
            foreach (Match message in GeneratedMessage().Matches(text))
            {
                generated++;
                placeholders.UnionWith(Placeholder().Matches(message.Groups[1].Value).Select(p => p.Groups[1].Value));
            }
        }

        Assert.Empty(handWritten);
        Assert.True(generated > 20, $"only {generated} source-generated log messages found");
        Assert.DoesNotContain(placeholders, p => !PublicFields.Contains(p));
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PrivateFl.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("PrivateFl.sln not found above the test binaries.");
    }

    [GeneratedRegex(@"\.Log(Trace|Debug|Information|Warning|Error|Critical)\(|\.Log\(\s*LogLevel|LoggerMessage\.Define|\.BeginScope\(")]
    private static partial Regex HandWrittenLogCall();

    [GeneratedRegex(@"\[LoggerMessage\([^\]]*Message\s*=\s*""([^""]*)""")]
    private static partial Regex GeneratedMessage();

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)(:[^}]*)?\}")]
    private static partial Regex Placeholder();
}
