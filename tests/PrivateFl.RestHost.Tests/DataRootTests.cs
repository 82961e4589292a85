using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PrivateFl.RestHost.Tests;

/// <summary>The attacks on the data root, performed: each must now be refused without reading or echoing outside data.</summary>
public sealed class DataRootTests(HostileHost host) : IClassFixture<HostileHost>
{
    private const string Header = ",Age,Sex,Job,Housing,Saving accounts,Checking account,Credit amount,Duration,Purpose,Risk";

    [Fact]
    public async Task Train_SymlinkSwappedBetweenInsideAndOutside_NoOutsideByteEverLeaks()
    {
        // Both files fail the schema on Sex, so each answer is a 400 that echoes the Sex value it read.
        string inside = Path.Combine(host.DataRoot, "race-inside.csv");
        string outside = Path.Combine(Path.GetDirectoryName(host.DataRoot)!, "race-outside.csv");
        await File.WriteAllTextAsync(inside, Header + "\n0,30,insidevalue,2,own,little,little,1000,12,car,good\n");
        await File.WriteAllTextAsync(outside, Header + "\n0,30,OUTSIDESECRET,2,own,little,little,1000,12,car,good\n");
        string link = Path.Combine(host.DataRoot, "race.csv");
        File.CreateSymbolicLink(link, inside);
        using var stop = new CancellationTokenSource();
        Task swapper = Task.Run(() =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                string next = Path.Combine(host.DataRoot, $".race-{i % 2}");
                File.Delete(next);
                File.CreateSymbolicLink(next, i % 2 == 0 ? outside : inside);
                File.Move(next, link, overwrite: true);
            }
        });
        using HttpClient http = host.CreateClient();
        int leaks = 0;
        int insideReads = 0;
        int refusals = 0;

        try
        {
            // One request at a time: concurrent /fl_train requests are refused with 409 while one is being checked.
            await Parallel.ForEachAsync(Enumerable.Range(0, 3000), new ParallelOptions { MaxDegreeOfParallelism = 1 }, async (_, token) =>
            {
                using HttpResponseMessage response = await http.PostAsJsonAsync("/fl_train", new { addr = "race.csv" }, token);
                string body = await response.Content.ReadAsStringAsync(token);
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                Interlocked.Add(ref leaks, body.Contains("OUTSIDESECRET", StringComparison.Ordinal) ? 1 : 0);
                Interlocked.Add(ref insideReads, body.Contains("insidevalue", StringComparison.Ordinal) ? 1 : 0);
                Interlocked.Add(ref refusals, body.Contains("leads outside", StringComparison.Ordinal) ? 1 : 0);
            });
        }
        finally
        {
            await stop.CancelAsync();
            await swapper;
        }

        Assert.Equal(0, leaks);
        Assert.True(insideReads > 0 && refusals > 0, $"The race was not exercised: {insideReads} inside reads, {refusals} refusals.");
    }

    [Fact]
    public async Task Train_HardLinkToAnOutsideFile_RefusedWithoutEchoingItsLines()
    {
        string outside = Path.Combine(Path.GetDirectoryName(host.DataRoot)!, "hard-outside.csv");
        await File.WriteAllTextAsync(outside, Header + "\n0,30,HARDLINKSECRET,2,own,little,little,1000,12,car,good\n");
        Run("ln", outside, Path.Combine(host.DataRoot, "hard.csv"));
        using HttpClient http = host.CreateClient();

        using HttpResponseMessage response = await http.PostAsJsonAsync("/fl_train", new { addr = "hard.csv" });

        string body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("HARDLINKSECRET", body, StringComparison.Ordinal);
        Assert.Contains("2 hard links", AddrError(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_Fifo_FortyRequestsRefusedPromptly()
    {
        Run("mkfifo", Path.Combine(host.DataRoot, "pipe.csv"));
        using HttpClient http = host.CreateClient();
        var clock = Stopwatch.StartNew();

        for (int i = 0; i < 40; i++)
        {
            using HttpResponseMessage response = await http.PostAsJsonAsync("/fl_train", new { addr = "pipe.csv" });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("FIFO", AddrError(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        // Before the fix the open itself blocked until a writer came (40 requests: 24 s).
        clock.Stop();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"40 requests took {clock.Elapsed.TotalSeconds:F1} s.");
    }

    [Fact]
    public async Task Train_SparseTwoGigabyteFile_RefusedBySizeBeforeReading()
    {
        string path = Path.Combine(host.DataRoot, "sparse.csv");
        await using (FileStream file = File.Create(path))
        {
            file.SetLength(2L << 30);
        }

        using HttpClient http = host.CreateClient();
        long before = Process.GetCurrentProcess().WorkingSet64;

        using HttpResponseMessage response = await http.PostAsJsonAsync("/fl_train", new { addr = "sparse.csv" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("MaxDatasetBytes", AddrError(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.True(Process.GetCurrentProcess().WorkingSet64 - before < 256L << 20);
    }

    [Fact]
    public async Task Train_MoreRowsThanMaxDatasetRows_RefusedNamingTheCap()
    {
        string row = "0,30,male,2,own,little,little,1000,12,car,good";
        await File.WriteAllTextAsync(Path.Combine(host.DataRoot, "many.csv"), Header + "\n" + string.Join("\n", Enumerable.Repeat(row, HostileHost.MaxRows + 50)) + "\n");
        using HttpClient http = host.CreateClient();

        using HttpResponseMessage response = await http.PostAsJsonAsync("/fl_train", new { addr = "many.csv" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"more than {HostileHost.MaxRows} data rows", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_ThousandBadRowsWithLongValues_StopsAtOneHundredProblemsAndEchoesOnlyExcerpts()
    {
        string longValue = new('x', 5000);
        string row = $"0,30,{longValue},2,own,little,little,1000,12,car,good";
        await File.WriteAllTextAsync(Path.Combine(host.DataRoot, "bad-rows.csv"), Header + "\n" + string.Join("\n", Enumerable.Repeat(row, 150)) + "\n");
        using HttpClient http = host.CreateClient();

        using HttpResponseMessage response = await http.PostAsJsonAsync("/fl_train", new { addr = "bad-rows.csv" });

        string body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(new string('x', 41), body, StringComparison.Ordinal);
        using JsonDocument problem = JsonDocument.Parse(body);
        int problems = problem.RootElement.GetProperty("errors").EnumerateObject().Where(e => e.Name != "addr").Sum(e => e.Value.GetArrayLength());
        Assert.Equal(101, problems);
        Assert.Contains("first 100 problems", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("loop.csv", "loop")]
    [InlineData("bank\0.csv", "control characters")]
    [InlineData("sub", "folder")]
    [InlineData(".", "outside")]
    public async Task Train_PathsThatUsedToBe500_400NamingAddr(string addr, string reason)
    {
        string loop = Path.Combine(host.DataRoot, "loop.csv");
        if (!File.Exists(loop) && new FileInfo(loop).LinkTarget is null)
        {
            File.CreateSymbolicLink(loop, loop);
        }

        using HttpClient http = host.CreateClient();

        using HttpResponseMessage response = await http.PostAsJsonAsync("/fl_train", new { addr });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, AddrError(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    internal static string AddrError(string body)
    {
        using JsonDocument problem = JsonDocument.Parse(body);
        return problem.RootElement.GetProperty("errors").GetProperty("addr")[0].GetString()!;
    }

    private static void Run(string command, params string[] arguments)
    {
        using Process process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true })!;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{command} failed: {process.StandardError.ReadToEnd()}");
    }
}
