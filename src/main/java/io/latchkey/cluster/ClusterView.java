package io.latchkey.cluster;

/** What the rest of the node may know about the cluster: enough for readiness and for catching up. */
public interface ClusterView {

  /** Whether this node is clustered at all. */
  boolean clustered();

  /** Whether this node is a live member of its cluster right now. */
  boolean active();

  /** How many members the cluster has, as this node sees it (1 when standalone). */
  int members();

  /** The view of a node started without CLUSTER_ENABLED. */
  static ClusterView standalone() {
    return new ClusterView() {
      @Override
      public boolean clustered() {
        return false;
      }

      @Override
      public boolean active() {
        return true;
      }

      @Override
      public int members() {
        return 1;
      }
    };
  }
}
