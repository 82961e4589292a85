using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Protocol.V1;

namespace PrivateFl.IntegrationTests;

/// <summary>Issue 10 ("Storage and start-up", "TLS bypass", "Unauthenticated memory growth"): the standalone server process as an operator runs it.</summary>
public sealed partial class ServerStartupTests : IDisposable
{
    private const string AdminKey = "process-test-admin-key-0123456789";
    private readonly string _folder = Directory.CreateTempSubdirectory("privatefl-process-").FullName;

    private string Database => Path.Combine(_folder, "privatefl.db");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Start_EmptyDatabaseFile_OneLineNamingItAndExit3()
    {
        await File.WriteAllBytesAsync(Database, []);

        (int code, string error) = await RunToExitAsync(Args(ServerProcess.FreePort()));

        Assert.Equal(3, code);
        AssertOneLine(error, "StorageOptions:DatabasePath");
        Assert.Contains("empty", error, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(Database).Length);
    }

    [Fact]
    public async Task Start_DamagedDatabaseFile_OneLineNamingItAndExit3()
    {
        byte[] garbage = new byte[8192];
        new Random(1).NextBytes(garbage);
        await File.WriteAllBytesAsync(Database, garbage);

        (int code, string error) = await RunToExitAsync(Args(ServerProcess.FreePort()));

        Assert.Equal(3, code);
        AssertOneLine(error, "StorageOptions:DatabasePath");
        Assert.Equal(garbage, await File.ReadAllBytesAsync(Database));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Start_DamagedDatabaseWithCreateNewDatabase_KeepsTheFileAsideAndServes()
    {
        byte[] garbage = new byte[8192];
        new Random(2).NextBytes(garbage);
        await File.WriteAllBytesAsync(Database, garbage);
        int port = ServerProcess.FreePort();

        using ServerProcess server = ServerProcess.Start([.. Args(port), "--StorageOptions:CreateNewDatabase=true"]);
        await server.WaitListeningAsync(port, TimeSpan.FromSeconds(60));
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        ListSessionsReply sessions = await new Admin.AdminClient(channel).ListSessionsAsync(new ListSessionsRequest(), new Metadata { { "x-privatefl-admin-key", AdminKey } });

        Assert.Empty(sessions.Sessions);
        string aside = Assert.Single(Directory.GetFiles(_folder, "privatefl.db.damaged-*"));
        Assert.Equal(garbage, await File.ReadAllBytesAsync(aside));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Database));
    }

    [Fact]
    public async Task Start_CorruptedPageInAValidDatabase_RefusedByQuickCheck()
    {
        int port = ServerProcess.FreePort();
        using (ServerProcess first = ServerProcess.Start(Args(port)))
        {
            await first.WaitListeningAsync(port, TimeSpan.FromSeconds(60));
            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
            var admin = new Admin.AdminClient(channel);
            for (int i = 0; i < 50; i++)
            {
                using var key = SigningKey.Generate();
                await admin.EnrollClientAsync(new EnrollClientRequest { ClientId = $"bank-{i:D3}", IdentityPublicKey = ByteString.CopyFrom(key.PublicKey) }, new Metadata { { "x-privatefl-admin-key", AdminKey } });
            }
        }

        // The first server was killed: fold its WAL into the file, then overwrite page 2 (the first table's root).
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Database};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            command.ExecuteNonQuery();
        }

        await using (var stream = new FileStream(Database, FileMode.Open, FileAccess.Write))
        {
            stream.Position = 4096;
            stream.Write(Enumerable.Repeat((byte)0xA5, 4096).ToArray());
        }

        (int code, string error) = await RunToExitAsync(Args(ServerProcess.FreePort()));

        Assert.Equal(3, code);
        AssertOneLine(error, "StorageOptions:DatabasePath");
    }

    [Fact]
    public async Task Start_BadSetting_OneLineNamingItAndExit2()
    {
        (int code, string error) = await RunToExitAsync([.. Args(ServerProcess.FreePort()), "--ServerOptions:AdminApiKey=short"]);

        Assert.Equal(2, code);
        AssertOneLine(error, "ServerOptions:AdminApiKey");
    }

    [Fact]
    public async Task Start_PortInUse_OneLineAndExit4()
    {
        using var occupier = new TcpListener(IPAddress.Loopback, 0);
        occupier.Start();
        int port = ((IPEndPoint)occupier.LocalEndpoint).Port;

        (int code, string error) = await RunToExitAsync(Args(port));

        Assert.Equal(4, code);
        AssertOneLine(error, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("--Kestrel:Endpoints:x:Url=http://0.0.0.0:{0}", "Kestrel:Endpoints:x:Url")]
    [InlineData("--urls=http://*:{0}", "urls")]
    public async Task Start_PlaintextNonLoopbackListenerFromAnySource_OneLineNamingItAndExit2(string setting, string named)
    {
        int port = ServerProcess.FreePort();
        string[] args = [.. Args(ServerProcess.FreePort()), string.Format(System.Globalization.CultureInfo.InvariantCulture, setting, port), "--Kestrel:Endpoints:x:Protocols=Http2"];
        if (!setting.Contains("Kestrel", StringComparison.Ordinal))
        {
            args = [.. Args(ServerProcess.FreePort()), string.Format(System.Globalization.CultureInfo.InvariantCulture, setting, port)];
        }

        (int code, string error) = await RunToExitAsync(args);

        Assert.Equal(2, code);
        AssertOneLine(error, named);
    }

    [Fact]
    public async Task UnauthenticatedFlood_120Concurrent16MiBCalls_RssGrowsLessThan100MBAndReturns()
    {
        // The signature covers the body's hash header, so an unknown id's call is verified (against a key nobody holds)
        // and refused from its headers, as a bad signature is, before a byte of its body is read: every call is
        // UNAUTHENTICATED (changed on purpose with the body hash header; in issue 10's second pass the body was read
        // and hashed, and the byte budget refused most calls with RESOURCE_EXHAUSTED).
        await AssertFloodWithinTargetAsync("unauthenticated flood", StatusCode.Unauthenticated, async (http, address, _) =>
        {
            // One small call first, so that the server's first-call allocations are not counted as the flood's.
            using var warmKey = SigningKey.Generate();
            byte[] small = new GetSessionRequest { SessionId = "s" }.ToByteArray();
            await RawCalls.PostAsync(http, address, "/privatefl.v1.Federation/GetSession", RawCalls.Sign("/privatefl.v1.Federation/GetSession", "nobody", warmKey, small), new ByteArrayContent(RawCalls.Frame(small)));
            return "nobody";
        });
    }

    [Fact]
    public async Task FloodUnderAnEnrolledId_120Concurrent16MiBCallsWithoutItsKey_RssGrowsLessThan100MBAndReturns()
    {
        // The issue's target, now also for someone who knows an enrolled id but not its key: the signature covers the
        // body's hash header and is verified from the headers, so every call is refused UNAUTHENTICATED before its body
        // is read. Changed on purpose with the body hash header: the bodies were read under MaxBufferedRequestBytes
        // before (8 of 16 MiB at a time, +164 to +256 MB kept afterwards) and this test allowed 300 MB.
        await AssertFloodWithinTargetAsync("enrolled-id flood", StatusCode.Unauthenticated, async (_, address, _) =>
        {
            using var channel = GrpcChannel.ForAddress(address);
            using var victim = SigningKey.Generate();
            await new Admin.AdminClient(channel).EnrollClientAsync(new EnrollClientRequest { ClientId = "bank-1", IdentityPublicKey = ByteString.CopyFrom(victim.PublicKey) }, new Metadata { { "x-privatefl-admin-key", AdminKey } });
            return "bank-1";
        });
    }

    /// <summary>
    /// Review of issue 10: gRPC routing matches paths without regard to case, so /privatefl.v1.federation/… reached the
    /// method past the authentication middleware (which compared ordinally) and gRPC read and parsed each body before
    /// the interceptor refused it (+671 MB for 40 calls of 16 MiB). Such a path is now refused before its body is read.
    /// </summary>
    [Fact]
    public Task FloodOnACaseChangedMethodPath_120Concurrent16MiBCalls_RefusedUnreadRssGrowsLessThan100MB() =>
        AssertFloodWithinTargetAsync("case-changed path flood", StatusCode.Unimplemented, (_, _, _) => Task.FromResult("nobody"), method: "/privatefl.v1.federation/SubmitMaskedInput");

    /// <summary>
    /// Starts the standalone server, runs <paramref name="prepare"/> (which names the client id the flood claims), then
    /// 120 concurrent calls of 16 MiB, and asserts the issue's target: every call refused with <paramref name="expected"/>,
    /// the server's RSS less than 100 MB above its level before at the peak and 3 s afterwards. Figures are appended to
    /// $TMPDIR/privatefl-flood-rss.txt.
    /// </summary>
    private async Task AssertFloodWithinTargetAsync(string name, StatusCode expected, Func<HttpClient, Uri, ServerProcess, Task<string>> prepare, string method = "/privatefl.v1.Federation/SubmitMaskedInput")
    {
        int port = ServerProcess.FreePort();
        using ServerProcess server = ServerProcess.Start(Args(port));
        await server.WaitListeningAsync(port, TimeSpan.FromSeconds(60));
        var address = new Uri($"http://127.0.0.1:{port}");
        using HttpClient http = RawCalls.Http2();
        string clientId = await prepare(http, address, server);
        await Task.Delay(1000);
        long before = server.ResidentBytes();

        FloodResult flood = await FloodAsync(server, http, address, calls: 120, messageBytes: (16 * 1024 * 1024) - 64, clientId: clientId, method: method);
        await Task.Delay(3000);
        long after = server.ResidentBytes();
        File.AppendAllText(Path.Combine(Path.GetTempPath(), "privatefl-flood-rss.txt"), $"{DateTime.UtcNow:O} {name} 120 x 16 MiB: before {before / 1e6:F1} MB, peak {flood.PeakRss / 1e6:F1} MB, after {after / 1e6:F1} MB, {flood.Elapsed.TotalSeconds:F1} s, {string.Join(", ", flood.Codes.GroupBy(c => c).Select(g => $"{g.Count()} {g.Key}"))}{Environment.NewLine}");

        Assert.All(flood.Codes, c => Assert.Equal(expected, c));
        Assert.True(flood.PeakRss - before < 100L * 1024 * 1024, $"RSS {before / 1e6:F1} MB before, peak {flood.PeakRss / 1e6:F1} MB, after {after / 1e6:F1} MB.");
        Assert.True(after - before < 100L * 1024 * 1024, $"RSS {before / 1e6:F1} MB before, after {after / 1e6:F1} MB.");
    }

    internal sealed record FloodResult(IReadOnlyList<StatusCode> Codes, long PeakRss, TimeSpan Elapsed);

    /// <summary>Concurrent calls of a client (by default an unknown one) signed with a key that is not its own, each with a frame just under 16 MiB (the largest the server takes) streamed from one shared buffer; samples the server's RSS meanwhile.</summary>
    internal static async Task<FloodResult> FloodAsync(ServerProcess server, HttpClient http, Uri address, int calls, int messageBytes, string clientId = "nobody", string method = "/privatefl.v1.Federation/SubmitMaskedInput")
    {
        string Method = method;
        byte[] frame = RawCalls.Frame(new byte[messageBytes]);
        using var stranger = SigningKey.Generate();
        long peak = server.ResidentBytes();
        using var done = new CancellationTokenSource();
        Task sampler = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                peak = Math.Max(peak, server.ResidentBytes());
                await Task.Delay(20);
            }
        });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        (StatusCode Code, Google.Rpc.Status? _)[] results = await Task.WhenAll(Enumerable.Range(0, calls).Select(_ =>
            RawCalls.PostAsync(http, address, Method, RawCalls.Sign(Method, clientId, stranger, frame.AsSpan(5)), new ByteArrayContent(frame))));
        watch.Stop();
        await Task.Delay(500);
        await done.CancelAsync();
        await sampler;
        return new FloodResult([.. results.Select(r => r.Code)], peak, watch.Elapsed);
    }

    private string[] Args(int port) =>
    [
        $"--ServerOptions:Urls=http://127.0.0.1:{port}",
        $"--ServerOptions:AdminApiKey={AdminKey}",
        $"--StorageOptions:DatabasePath={Database}",
        "--Logging:LogLevel:Default=Warning",
    ];

    private static async Task<(int Code, string Error)> RunToExitAsync(string[] args)
    {
        using ServerProcess server = ServerProcess.Start(args);
        int code = await server.ExitCodeAsync(TimeSpan.FromSeconds(60));
        return (code, server.StandardError + server.StandardOutput);
    }

    private static void AssertOneLine(string output, string named)
    {
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string line = Assert.Single(lines);
        Assert.StartsWith("privatefl-server: ", line, StringComparison.Ordinal);
        Assert.Contains(named, line, StringComparison.Ordinal);
        Assert.DoesNotMatch(StackFrame(), output);
    }

    [GeneratedRegex(@"^\s+at\s", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}
