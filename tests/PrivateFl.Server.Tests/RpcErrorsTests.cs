using Google.Rpc;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using PrivateFl.Server.Services;

namespace PrivateFl.Server.Tests;

/// <summary>Issue 10: a database failure during a call is a precise status, not UNKNOWN.</summary>
public sealed class RpcErrorsTests
{
    [Fact]
    public async Task Guard_SqliteCorruption_InternalWithStorageFailedReason()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => RpcErrors.Guard<int>(() => throw new SqliteException("database disk image is malformed", 11)));

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Equal("STORAGE_FAILED", ex.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
        Assert.Contains("SQLite error 11", ex.Status.Detail, StringComparison.Ordinal);
    }
}
