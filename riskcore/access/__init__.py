"""Access: who the user is and what their role lets them do."""
