using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace PrivateFl.Cluster.Tests;

/// <summary>Three silos in this process (Orleans TestingHost) with the server's grain assembly.</summary>
public sealed class InProcessClusterTests : IAsyncLifetime
{
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSilo((_, silo) => silo.Services.AddSerializer(serializer => serializer
            .AddAssembly(typeof(ISiloProbeGrain).Assembly)
            .AddAssembly(typeof(PrivateFl.Server.PrivateFlServerApplication).Assembly)));
        builder.ConfigureClient(client => client.Services.AddSerializer(serializer => serializer.AddAssembly(typeof(ISiloProbeGrain).Assembly)));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Probe_FromOneSiloToGrainsOnTheOthers_EverySiloAnswersAndSeesThree()
    {
        // Grains called from inside silo 0: a reply from another silo is a silo-to-silo call.
        InProcessSiloHandle first = _cluster.Silos[0];
        IGrainFactory grains = _cluster.GetSiloServiceProvider(first.SiloAddress).GetRequiredService<IGrainFactory>();

        SiloProbeReply[] replies = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => grains.GetGrain<ISiloProbeGrain>($"probe-{i}").ProbeAsync()));

        HashSet<string> silos = [.. _cluster.Silos.Select(s => s.SiloAddress.ToParsableString())];
        Assert.Equal(silos, replies.Select(r => r.SiloAddress).ToHashSet());
        Assert.Contains(replies, r => r.SiloAddress != first.SiloAddress.ToParsableString());
        Assert.All(replies, r => Assert.Equal(3, r.ActiveSilos));
        Assert.All(replies, r => Assert.Equal(_cluster.Options.ClusterId, r.ClusterId));
    }

    [Fact]
    public async Task Probe_SameKeyTwice_SameActivation()
    {
        ISiloProbeGrain grain = _cluster.Client.GetGrain<ISiloProbeGrain>("same");

        SiloProbeReply first = await grain.ProbeAsync();
        SiloProbeReply second = await grain.ProbeAsync();

        Assert.Equal(first, second);
    }
}
