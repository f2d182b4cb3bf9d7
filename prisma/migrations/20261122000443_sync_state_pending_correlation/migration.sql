-- AlterTable
ALTER TABLE "sync_states" ADD COLUMN     "pending_correlation_id" TEXT,
ADD COLUMN     "pending_since" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "inbox_events_correlation_id_idx" ON "inbox_events"("correlation_id");
