using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using PrivateFl.Server.Security;

namespace PrivateFl.Server.Hosting;

/// <summary>
/// After the server bound its listeners, refuses to run if any is plaintext on a non-loopback address, whatever
/// opened it (also a listener an embedding host added in code). Until then <see cref="PlaintextGuardMiddleware"/>
/// refuses every call on such a listener.
/// </summary>
internal sealed class BoundListenerCheck(IServer server) : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        ICollection<string>? addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is not null)
        {
            ListenerPolicy.ValidateBound(addresses);
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
