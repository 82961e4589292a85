using System.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PrivateFl.ClientSdk;
using PrivateFl.ClientSdk.Transport;
using PrivateFl.Crypto;
using PrivateFl.Crypto.Primitives;
using PrivateFl.Crypto.SecAgg;

namespace PrivateFl.IntegrationTests;

/// <summary>
/// Faults reach a bank only through seams that leave the shipped control flow alone: the public interceptor option and
/// the internal session factory registered in DI (issue 12, "No test hooks in shipped code").
/// </summary>
public sealed class ClientSeamTests
{
    [Fact]
    public void FederatedClient_ShippedType_HasNoNonPublicSettableStateForTests()
    {
        // The removed hooks (StopBeforeStage, DropoutSchedule, TamperShares, CorruptSession) were internal settable properties.
        PropertyInfo[] hooks = [.. typeof(FederatedClient).GetProperties(BindingFlags.Instance | BindingFlags.NonPublic).Where(p => p.SetMethod is not null)];

        Assert.Empty(hooks);
        Assert.DoesNotContain(typeof(RoundRunner).GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic), p => p.SetMethod is not null);
    }

    [Fact]
    public async Task Interceptors_BankAddsOne_SeesEveryCallBeforeItIsSignedAndTheServerAcceptsIt()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        await server.EnrollAllAsync(["bank-1"]);
        await server.CreateCreditSessionAsync("seen", clients: 3, rounds: 1);
        var recorder = new RecordingInterceptor();

        using FederatedClient client = server.FaultyClient("bank-1", recorder);
        TrainingSessionInfo session = await client.GetSessionAsync("seen");

        Assert.Equal("seen", session.SessionId);
        (string method, bool signed) = Assert.Single(recorder.Calls);
        Assert.Equal("GetSession", method);
        Assert.False(signed);
    }

    [Fact]
    public async Task AddPrivateFlClient_SessionFactoryRegisteredFirst_TheResolvedClientsRoundsUseIt()
    {
        await using InProcessServer server = await InProcessServer.StartAsync();
        (IReadOnlyList<CreditDataset> banks, _) = CreditData.Split(3);
        string[] ids = ["bank-1", "bank-2", "bank-3"];
        await server.EnrollAllAsync(ids);
        await server.CreateCreditSessionAsync("seam", clients: 3, rounds: 1);
        string keyFile = Path.Combine(server.LedgerDirectory, "bank-3.key");
        Directory.CreateDirectory(server.LedgerDirectory);
        byte[] secret = new byte[SigningKey.KeySize];
        server.Identity("bank-3").ExportPrivateKey(secret);
        await File.WriteAllBytesAsync(keyFile, secret);
        var counting = new CountingSessions();
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FederatedClientOptions:ServerAddress"] = server.Address.ToString(),
            ["FederatedClientOptions:ClientId"] = "bank-3",
            ["FederatedClientOptions:IdentityKeyFile"] = keyFile,
            ["FederatedClientOptions:LedgerDirectory"] = Path.Combine(server.LedgerDirectory, "bank-3"),
        }).Build();
        await using ServiceProvider services = new ServiceCollection().AddSingleton(configuration).AddLogging().AddSingleton<IClientSessionFactory>(counting).AddPrivateFlClient().BuildServiceProvider();

        FederatedClient resolved = services.GetRequiredService<FederatedClient>();
        using FederatedClient first = server.Client("bank-1");
        using FederatedClient second = server.Client("bank-2");
        TrainingReport[] reports = await Task.WhenAll(first.TrainAsync("seam", banks[0]), second.TrainAsync("seam", banks[1]), resolved.TrainAsync("seam", banks[2])).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.All(reports, r => Assert.Equal(1, r.RoundsParticipated));
        Assert.Equal(1, counting.Created);
    }

    [Fact]
    public void Constructor_NullInterceptor_ArgumentExceptionNamingTheSetting()
    {
        var options = new FederatedClientOptions { ClientId = "bank-1" };
        options.Interceptors.Add(null!);
        using SigningKey key = SigningKey.Generate();

        var ex = Assert.Throws<ArgumentException>("options", () => new FederatedClient(options, key));

        Assert.Contains("FederatedClientOptions:Interceptors", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddPrivateFlClient_Default_RegistersTheSdksOwnSessions()
    {
        using ServiceProvider services = new ServiceCollection().AddSingleton<IConfiguration>(new ConfigurationBuilder().Build()).AddPrivateFlClient().BuildServiceProvider();

        Assert.Same(ClientSessionFactory.Default, services.GetRequiredService<IClientSessionFactory>());
    }

    private sealed class RecordingInterceptor : Interceptor
    {
        public List<(string Method, bool Signed)> Calls { get; } = [];

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            Calls.Add((context.Method.Name, context.Options.Headers?.Get(CallSignature.SignatureHeader) is not null));
            return continuation(request, context);
        }
    }

    private sealed class CountingSessions : IClientSessionFactory
    {
        private int _created;

        public int Created => _created;

        public ClientSession Create(SecAggParameters parameters, int index, SigningKey? identityKey, IReadOnlyDictionary<int, ReadOnlyMemory<byte>>? identityKeys)
        {
            Interlocked.Increment(ref _created);
            return ClientSessionFactory.Default.Create(parameters, index, identityKey, identityKeys);
        }
    }
}
