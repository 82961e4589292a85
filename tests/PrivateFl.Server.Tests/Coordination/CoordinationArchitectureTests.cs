using System.Text.RegularExpressions;

namespace PrivateFl.Server.Tests.Coordination;

/// <summary>Source rules of the server that a review would otherwise have to re-check by hand (issue 12).</summary>
public sealed partial class CoordinationArchitectureTests
{
    [Fact]
    public void Sources_SessionWrites_OnlyInTheSessionRegistry()
    {
        // A session's row, state and committed rounds change only through SessionRegistry, so the copy in memory and
        // the stored one cannot drift apart (the admin service used to create sessions behind the coordinator's back).
        var writers = ServerSources()
            .Where(f => !IsUnder(f, "Storage") && Path.GetFileName(f) != "SessionRegistry.cs")
            .SelectMany(f => SessionWrite().Matches(File.ReadAllText(f)).Select(m => $"{Path.GetFileName(f)}: {m.Value}"))
            .ToList();

        Assert.Empty(writers);
        Assert.Matches(SessionWrite(), File.ReadAllText(ServerSources().Single(f => Path.GetFileName(f) == "SessionRegistry.cs")));
    }

    [Fact]
    public void Sources_Time_OnlyThroughTheInjectedTimeProvider()
    {
        // Deadlines, the gather window, timestamps and waits all run on the injected TimeProvider, so tests drive them
        // with a fake clock and nothing in the server reads the machine's clock behind it.
        var offenders = ServerSources()
            .SelectMany(f => File.ReadAllLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => AmbientClock().IsMatch(l.Text) || (TimedWait().IsMatch(l.Text) && !MentionsTimeProvider().IsMatch(l.Text)))
            .Select(l => $"{Path.GetFileName(l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.Empty(offenders);
    }

    [Fact]
    public void Sources_Tasks_NeverWaitedOnSynchronously()
    {
        // A thread blocked on I/O (sync over async), above all under a session's gate, is what a grain host cannot
        // have (issue 12): every store call is awaited, and the gate is taken again afterwards.
        var offenders = ServerSources()
            .SelectMany(f => File.ReadAllLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => !l.Text.TrimStart().StartsWith("//", StringComparison.Ordinal) && BlockingWait().IsMatch(l.Text))
            .Select(l => $"{Path.GetFileName(l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.Empty(offenders);
    }

    [Theory]
    [InlineData("store.FindClientAsync(id, ct).GetAwaiter().GetResult();", true)]
    [InlineData("var x = task.Result;", true)]
    [InlineData("Use(task.Result.Length, 1);", true)]
    [InlineData("task.Wait();", true)]
    [InlineData("gate.Wait(TimeSpan.FromSeconds(1));", true)]
    [InlineData("SessionSchemaValidator.Result schema = Validate(request);", false)]
    [InlineData("await round.Proof.WaitAsync(cancellationToken).ConfigureAwait(false);", false)]
    [InlineData("return await task.ConfigureAwait(false);", false)]
    public void BlockingWait_Samples_MatchesOnlyTheBlockingOnes(string line, bool blocking) =>
        Assert.Equal(blocking, BlockingWait().IsMatch(line));

    internal static IEnumerable<string> ServerSources()
    {
        string server = Path.Combine(RepositoryRoot(), "src", "Server");
        return Directory.EnumerateFiles(server, "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsUnder(f, "obj") && !IsUnder(f, "bin"));
    }

    internal static bool IsUnder(string file, string folder) =>
        file.Contains($"{Path.DirectorySeparatorChar}{folder}{Path.DirectorySeparatorChar}", StringComparison.Ordinal);

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

    [GeneratedRegex(@"\bDateTime(Offset)?\.(Utc)?Now\b|\bStopwatch\b|Environment\.TickCount|Thread\.Sleep|new\s+(System\.Threading\.)?Timer\s*\(")]
    private static partial Regex AmbientClock();

    // Waits that take a TimeSpan and fall back to the system clock unless given a TimeProvider.
    [GeneratedRegex(@"Task\.Delay\s*\(|new\s+PeriodicTimer\s*\(|\.CancelAfter\s*\(|\.WaitAsync\s*\([^)]*TimeSpan|new\s+CancellationTokenSource\s*\(\s*TimeSpan")]
    private static partial Regex TimedWait();

    [GeneratedRegex(@"\b_?time\b|TimeProvider", RegexOptions.IgnoreCase)]
    private static partial Regex MentionsTimeProvider();

    // GetResult() on an awaiter, a task's Result (a member access, not the type name SomeType.Result), Wait(…).
    [GeneratedRegex(@"\.GetAwaiter\s*\(\s*\)\s*\.\s*GetResult\s*\(|\.Result\b(?!\s*[\w<(])|\.Wait\s*\(")]
    private static partial Regex BlockingWait();

    // Any store-typed receiver (store, _store, Store) calling a session-writing member, sync or async.
    [GeneratedRegex(@"\b\w*[Ss]tore\s*\.\s*(CreateSession|SetSessionState|CommitRound)\w*\s*\(")]
    private static partial Regex SessionWrite();
}
