using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace PrivateFl.Simulation.Tests;

/// <summary>
/// Issue 14: the demo run as <c>dotnet run --project src/Simulation | cat</c> would, in its own process with stdout
/// piped and a terminal-like environment: clean 80-column text, one header, no cut title, no escape codes; and its
/// results.json with camelCase keys, numeric ε and each bank's id.
/// </summary>
public sealed class PipedDemoTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Theory]
    [InlineData("record", 1.0)]
    [InlineData("none", null)]
    public async Task Demo_StdoutPiped_PlainEightyColumnTextAndCamelCaseResults(string dpMode, double? budget)
    {
        string output = Path.Combine(Path.GetTempPath(), $"privatefl-demo-test-{Guid.NewGuid():n}");
        try
        {
            // Four banks, one of which drops out of round 2 (every third round from the second).
            (int exit, string stdout, string stderr) = await RunDemoAsync("--clients", "4", "--rounds", "3", "--dropout", "0.25", "--dp-mode", dpMode, "--output", output);

            Assert.True(exit == 0, $"exit {exit}: {stderr}");
            string[] lines = stdout.Split('\n');
            Assert.DoesNotContain('\u001b', stdout);
            Assert.DoesNotContain('…', stdout);
            Assert.All(lines, l => Assert.True(new StringInfo(l.TrimEnd('\r')).LengthInTextElements <= 80, $"wider than 80 columns: '{l}'"));
            Assert.Single(lines, l => l.StartsWith("Round  Banks  Dropped", StringComparison.Ordinal));
            Assert.Single(lines, l => l.StartsWith("── PrivateFl demo ──", StringComparison.Ordinal));
            for (int round = 1; round <= 3; round++)
            {
                Assert.Single(lines, l => l.StartsWith(round.ToString(CultureInfo.InvariantCulture).PadLeft(5) + "  ", StringComparison.Ordinal));
            }

            using JsonDocument results = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "results.json")));
            JsonElement root = results.RootElement;
            AssertCamelCase(root, "$");
            Assert.Equal(budget is null ? JsonValueKind.Null : JsonValueKind.Number, root.GetProperty("settings").GetProperty("epsilon").ValueKind);
            Assert.Equal(budget is null ? JsonValueKind.Null : JsonValueKind.Number, root.GetProperty("session").GetProperty("epsilonBudget").ValueKind);
            if (budget is { } b)
            {
                Assert.Equal(b, root.GetProperty("settings").GetProperty("epsilon").GetDouble());
            }

            JsonElement[] rounds = [.. root.GetProperty("rounds").EnumerateArray()];
            Assert.Equal(3, rounds.Length);
            Assert.Equal(1, rounds[1].GetProperty("dropped").GetInt32());
            Assert.All(rounds.Where(r => r.GetProperty("outcome").GetString() == "COMPLETED"), r => Assert.Equal(budget is null ? JsonValueKind.Null : JsonValueKind.Number, r.GetProperty("epsilon").ValueKind));
            string[] ids = [.. root.GetProperty("banks").EnumerateArray().Select(bank => bank.GetProperty("id").GetString()!)];
            Assert.Equal(["bank-01", "bank-02", "bank-03", "bank-04"], ids);
            Assert.All(root.GetProperty("banks").EnumerateArray(), bank => Assert.Equal(JsonValueKind.Number, bank.GetProperty("aloneTestAuc").ValueKind));

            byte[] png = await File.ReadAllBytesAsync(Path.Combine(output, "auc-and-epsilon.png"));
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    /// <summary>Every key of every object, nested or in arrays, starts lower-case and has no underscore or space.</summary>
    private static void AssertCamelCase(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in element.EnumerateObject())
            {
                Assert.True(char.IsLower(property.Name[0]) && !property.Name.Contains('_', StringComparison.Ordinal) && !property.Name.Contains(' ', StringComparison.Ordinal), $"{path}.{property.Name} is not camelCase");
                AssertCamelCase(property.Value, $"{path}.{property.Name}");
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (JsonElement item in element.EnumerateArray())
            {
                AssertCamelCase(item, $"{path}[{i++}]");
            }
        }
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunDemoAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = AppContext.BaseDirectory };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "PrivateFl.Simulation.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // What a terminal and a CI runner set; the output is piped all the same, so it must stay plain.
        start.Environment["TERM"] = "xterm-256color";
        start.Environment["COLORTERM"] = "truecolor";
        start.Environment["CI"] = "true";
        start.Environment["GITHUB_ACTIONS"] = "true";
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
