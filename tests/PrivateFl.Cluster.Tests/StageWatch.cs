using Grpc.Core;
using Grpc.Core.Interceptors;

namespace PrivateFl.Cluster.Tests;

/// <summary>
/// A bank's own interceptor (the SDK's public <c>Interceptors</c> option) that signals once the bank holds its cohort's
/// key directory: from then on its round is under way.
/// </summary>
internal sealed class StageWatch(Action keysAdvertised) : Interceptor
{
    private int _signalled;

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        AsyncUnaryCall<TResponse> call = continuation(request, context);
        if (context.Method.Name != "AdvertiseKeys")
        {
            return call;
        }

        return new AsyncUnaryCall<TResponse>(Signal(call.ResponseAsync), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    private async Task<TResponse> Signal<TResponse>(Task<TResponse> response)
    {
        TResponse reply = await response.ConfigureAwait(false);
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            keysAdvertised();
        }

        return reply;
    }
}
