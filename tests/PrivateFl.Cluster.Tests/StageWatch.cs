using Grpc.Core;
using Grpc.Core.Interceptors;

namespace PrivateFl.Cluster.Tests;

/// <summary>
/// A bank's own interceptor (the SDK's public <c>Interceptors</c> option) that signals once the bank is admitted to a
/// round (its front end has joined it) and once it holds its cohort's key directory: from then on its round is under way.
/// </summary>
internal sealed class StageWatch(Action admitted, Action keysAdvertised) : Interceptor
{
    private int _admitted;
    private int _signalled;

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        AsyncUnaryCall<TResponse> call = continuation(request, context);
        return context.Method.Name switch
        {
            "WaitForRound" => new AsyncUnaryCall<TResponse>(Signal(call.ResponseAsync, ref _admitted, admitted), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose),
            "AdvertiseKeys" => new AsyncUnaryCall<TResponse>(Signal(call.ResponseAsync, ref _signalled, keysAdvertised), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose),
            _ => call,
        };
    }

    // The first reply only: a bank's later rounds are not what the test waits for.
    private static Task<TResponse> Signal<TResponse>(Task<TResponse> response, ref int once, Action signal)
    {
        bool first = Interlocked.Exchange(ref once, 1) == 0;
        return first ? SignalAsync(response, signal) : response;
    }

    private static async Task<TResponse> SignalAsync<TResponse>(Task<TResponse> response, Action signal)
    {
        TResponse reply = await response.ConfigureAwait(false);
        signal();
        return reply;
    }
}
