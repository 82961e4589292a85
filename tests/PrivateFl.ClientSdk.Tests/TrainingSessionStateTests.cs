using WireSessionState = PrivateFl.Protocol.V1.SessionState;

namespace PrivateFl.ClientSdk.Tests;

/// <summary>Issue 12: the SDK's session state has the wire enum's numbers, so mapping is a cast and a value never changes meaning.</summary>
public sealed class TrainingSessionStateTests
{
    [Fact]
    public void TrainingSessionState_EveryWireValue_SameNumberAndName()
    {
        Assert.Equal(Enum.GetValues<WireSessionState>().Length, Enum.GetValues<TrainingSessionState>().Length);
        Assert.All(Enum.GetValues<WireSessionState>().Where(v => v != WireSessionState.Unspecified), v => Assert.Equal(v.ToString(), ((TrainingSessionState)(int)v).ToString()));
        Assert.Equal(0, (int)TrainingSessionState.Unknown);
    }
}
