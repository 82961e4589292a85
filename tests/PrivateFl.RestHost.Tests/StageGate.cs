using Grpc.Core;
using Grpc.Core.Interceptors;
using PrivateFl.Crypto;

namespace PrivateFl.RestHost.Tests;

/// <summary>
/// A fault injected into the test's aggregation server: once armed, the host bank's first AdvertiseKeys call is held
/// (the host is then in the middle of a round) until the server goes away, as when it crashes mid-round.
/// </summary>
internal sealed class StageGate : Interceptor
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Armed { get; set; }

    /// <summary>Completes when the host bank's call is being held.</summary>
    public Task Reached => _reached.Task;

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (Armed && context.Method.EndsWith("/AdvertiseKeys", StringComparison.Ordinal) && context.RequestHeaders.GetValue(CallSignature.ClientHeader) == "host-bank")
        {
            _reached.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }

        return await continuation(request, context);
    }
}
