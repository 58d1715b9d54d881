namespace OrleansConsistency.Silo.Deadlines;

/// <summary>Names a grain call in deadline messages, the same way on both sides of the call.</summary>
internal static class DeadlineMessages
{
    public static string Describe(IGrainCallContext context) =>
        $"{context.InterfaceMethod?.DeclaringType?.Name}.{context.InterfaceMethod?.Name} to {context.TargetId}";
}
